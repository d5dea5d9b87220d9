namespace Parity.Contract;

/// <summary>A batch's loss and the model's outputs, row-major [Rows, Width].</summary>
public sealed record Evaluation(double Loss, double[] Outputs, int Width);
