namespace Parity.Cli.Examples;

/// <summary>
/// One of the repository's example engines (<c>examples/</c>) with its planted bug switched on, and the
/// built-in spec its failing report is written for: the suite's page showing what Parity says about a
/// wrong engine.
/// </summary>
/// <param name="Folder">The example's folder under <c>examples/</c>, also its folder under the reports' <c>examples/</c>.</param>
/// <param name="Spec">The built-in spec (file name without .yaml) the bug is shown on.</param>
/// <param name="Bug">How the bug is switched on, in the words of the example's README.</param>
/// <param name="Resolve">Builds the example, if it needs building, in the given scratch folder and returns it with the bug on; runs from the repository's root.</param>
public sealed record ExampleEngine(string Folder, string Spec, string Bug, Func<string, EngineUnderTest> Resolve);
