using System.Numerics;

namespace Parity.Engine.Losses;

/// <summary>
/// Huber: per element ½·d² where |d| ≤ delta, delta·(|d| − ½·delta) elsewhere (d = p − y); its slope
/// d inside, delta·sign(d) outside — delta times smooth-l1 with beta = delta.
/// </summary>
public sealed class HuberLoss<T>(Reduction reduction, double delta) : DifferenceLoss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly T _delta = T.CreateChecked(delta);

    public static HuberLoss<T> From(Described loss) => new(ReductionOption.Of(loss), loss.Number("delta", 1));

    protected override double Term(double d)
    {
        var z = Math.Abs(d);
        return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
    }

    protected override T Slope(T d) => T.Abs(d) <= _delta ? d : _delta * Sign(d);
}
