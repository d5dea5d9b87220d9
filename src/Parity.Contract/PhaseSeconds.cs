namespace Parity.Contract;

/// <summary>Seconds each phase of each timed training step took, one entry per repetition in every array.</summary>
public sealed record PhaseSeconds(double[] Forward, double[] Backward, double[] Step);
