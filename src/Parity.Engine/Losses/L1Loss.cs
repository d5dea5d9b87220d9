using System.Numerics;

namespace Parity.Engine.Losses;

/// <summary>L = Σ |p − y|, divided by the element count for the mean; dL/dp = sign(p − y)·scale with sign(0) = 0 (l1_loss's backward).</summary>
public sealed class L1Loss<T>(Reduction reduction) : DifferenceLoss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override double Term(double d) => Math.Abs(d);

    protected override T Slope(T d) => Sign(d);
}
