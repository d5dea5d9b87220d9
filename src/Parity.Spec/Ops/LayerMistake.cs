namespace Parity.Spec;

/// <summary>
/// A usual mistake in an activation's local derivative, for diagnosis: the rule dx = g·f(x, y) it
/// gives (x the input, y the output), and the sentence that names it. No engine uses these rules.
/// </summary>
public sealed record LayerMistake(string Explanation, Func<double, double, double> Derivative);
