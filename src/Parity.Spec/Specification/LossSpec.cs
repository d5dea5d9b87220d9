namespace Parity.Spec;

public enum LossKind { Mse, Bce, BceWithLogits, CrossEntropy, Nll, L1, SmoothL1, Huber }

public enum Reduction { Mean, Sum }

/// <summary>The spec's loss: its kind, its reduction, and the values of its other options (smooth-l1's beta, huber's delta).</summary>
public sealed record LossSpec(LossKind Kind, Reduction Reduction, OpSettings Settings)
{
    public LossOp Op => LossOps.Of(Kind);
}
