using System.Numerics;

namespace Parity.Engine.Losses;

/// <summary>
/// Smooth L1: per element ½·d²/beta where |d| &lt; beta, |d| − ½·beta elsewhere (d = p − y); its slope
/// d/beta inside, sign(d) outside. beta = 0 is l1 (PyTorch then calls l1_loss), sign(0) = 0.
/// </summary>
public sealed class SmoothL1Loss<T>(Reduction reduction, double beta) : DifferenceLoss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly T _beta = T.CreateChecked(beta);

    public static SmoothL1Loss<T> From(Described loss) => new(ReductionOption.Of(loss), loss.Number("beta", 1));

    protected override double Term(double d)
    {
        var z = Math.Abs(d);
        return z < beta ? 0.5 * z * z / beta : z - 0.5 * beta;
    }

    protected override T Slope(T d) => T.Abs(d) < _beta ? d / _beta : Sign(d);
}
