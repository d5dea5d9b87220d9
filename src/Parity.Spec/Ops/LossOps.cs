namespace Parity.Spec;

/// <summary>The catalogue of losses, one registration each, read by the loader, the model description, bench, the diagnosis and the dump.</summary>
public static class LossOps
{
    public static IReadOnlyList<LossOp> All { get; } =
    [
        // difference, square, sum; then subtract and scale
        new("mse", LossKind.Mse, 3, 2),
        // clamped logs, weighted sum; then the quotient's difference and scale
        new("bce", LossKind.Bce, 3, 2) { TakesProbabilities = true },
        // the stable form's max, exp and log, summed; then sigmoid minus target
        new("bce-with-logits", LossKind.BceWithLogits, 3, 2),
        // shift, exp, sum; then softmax minus the one-hot row
        new("cross-entropy", LossKind.CrossEntropy, 3, 2) { TakesClasses = true },
        // one pick per row; then −scale at the target, 0 elsewhere
        new("nll", LossKind.Nll, 1, 1) { TakesClasses = true },
        // difference, |·|, sum; then sign(d)·scale, sign(0) = 0
        new("l1", LossKind.L1, 3, 2)
        {
            Side = (p, y) => Math.Sign(p - y),
            Mistakes = _ => [new("it matches sign(d) with sign(0) = 1 — PyTorch's l1 gradient at d = p − y = 0 is 0", d => d >= 0 ? 1 : -1)],
        },
        // difference, |·|, the branch's square or shift, sum; then d/beta or sign(d), scaled
        new("smooth-l1", LossKind.SmoothL1, 5, 3)
        {
            Options = [OpOption.Number("beta", 1, 0, 1e6)],
            Mistakes = settings => SmoothL1(settings.Number("beta")),
        },
        // difference, |·|, the branch's square or delta·shift, sum; then d or delta·sign(d), scaled
        new("huber", LossKind.Huber, 5, 3)
        {
            Options = [OpOption.Number("delta", 1, 0, 1e6, exclusiveMin: true)],
            Mistakes = settings => Huber(settings.Number("delta")),
        },
    ];

    public static LossOp Of(LossKind kind) => All.Single(op => op.Kind == kind);

    static LossMistake[] SmoothL1(double beta) =>
    [
        new($"it matches d where |d| < beta: beta = {beta} is left out of smooth-l1's quadratic branch, whose gradient is d/beta (d = p − y)", d => Math.Abs(d) < beta ? d : Math.Sign(d)),
        new($"it matches d/beta everywhere: smooth-l1's linear branch |d| ≥ beta = {beta} has gradient sign(d)", d => beta == 0 ? Math.Sign(d) : d / beta),
    ];

    static LossMistake[] Huber(double delta) =>
    [
        new($"it matches sign(d) where |d| > delta: huber's linear branch is delta·(|d| − delta/2), its gradient delta·sign(d) with delta = {delta}", d => Math.Abs(d) <= delta ? d : Math.Sign(d)),
        new($"it matches smooth-l1's gradient with beta = delta = {delta}: huber = delta·smooth-l1, so its gradient is d where |d| ≤ delta and delta·sign(d) beyond", d => Math.Abs(d) <= delta ? d / delta : Math.Sign(d)),
    ];
}
