namespace Parity.Spec;

public enum LossKind { Mse, Bce, BceWithLogits, CrossEntropy }

public enum Reduction { Mean, Sum }

public sealed record LossSpec(LossKind Kind, Reduction Reduction)
{
    public LossOp Op => LossOps.Of(Kind);
}
