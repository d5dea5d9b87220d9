namespace Parity.Contract;

/// <summary>
/// A mini-batch as every engine receives it: features [Rows, Features] and the targets in the form
/// the spec's loss takes — class indices, or float rows [Rows, TargetWidth].
/// </summary>
public sealed record Batch(int Rows, int Features, double[] X, int[]? Classes, double[]? Targets, int TargetWidth);
