namespace Parity.Spec;

/// <summary>The catalogue of losses, one registration each, read by the loader, the model description, bench, the diagnosis and the dump.</summary>
public static class LossOps
{
    public static IReadOnlyList<LossOp> All { get; } =
    [
        // difference, square, sum; then subtract and scale
        new("mse", LossKind.Mse, 3, 2),
        // clamped logs, weighted sum; then the quotient's difference and scale
        new("bce", LossKind.Bce, 3, 2),
        // the stable form's max, exp and log, summed; then sigmoid minus target
        new("bce-with-logits", LossKind.BceWithLogits, 3, 2),
        // shift, exp, sum; then softmax minus the one-hot row
        new("cross-entropy", LossKind.CrossEntropy, 3, 2),
    ];

    public static LossOp Of(LossKind kind) => All.Single(op => op.Kind == kind);
}
