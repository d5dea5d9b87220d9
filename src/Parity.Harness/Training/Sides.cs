namespace Parity.Harness.Training;

/// <summary>
/// The two sides of every comparison as tables, verdicts and JSON name them, whatever the backends call
/// themselves: the engine under test, and the TorchSharp twin it is checked against.
/// </summary>
public static class Sides
{
    public const string Engine = "engine", Twin = "twin";
}
