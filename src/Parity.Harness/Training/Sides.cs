namespace Parity.Harness.Training;

/// <summary>
/// The two sides of every comparison as JSON keys them, whatever the backends call themselves: the engine under
/// test, and the TorchSharp twin it is checked against; and as a reader is told of them (<see cref="Word"/>).
/// </summary>
public static class Sides
{
    public const string Engine = "engine", Twin = "twin";

    /// <summary>The word for a side in everything a user reads: the twin is "the reference" there.</summary>
    public static string Word(string side) => side == Twin ? "reference" : side;
}
