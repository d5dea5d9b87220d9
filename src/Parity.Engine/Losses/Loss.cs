using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Losses;

/// <summary>The targets a loss compares against: float rows, or class indices (cross-entropy). A struct, so that handing targets to a loss allocates nothing.</summary>
public readonly record struct LossTargets<T>(Matrix<T>? Values, int[]? Classes) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// A loss over a batch: <see cref="Forward"/> returns the reduced value, <see cref="Backward"/> the
/// gradient with respect to the model's output, already divided by the mean's count.
/// </summary>
public abstract class Loss<T>(Reduction reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    protected Matrix<T>? GradInput;

    public Reduction Reduction { get; } = reduction;

    public abstract double Forward(Matrix<T> output, LossTargets<T> targets);

    public abstract Matrix<T> Backward();

    /// <summary>Reduces a sum over <paramref name="count"/> terms and rounds it to the engine's dtype, as libtorch returns it.</summary>
    protected double Reduce(double sum, int count) =>
        double.CreateChecked(T.CreateChecked(Reduction == Reduction.Mean ? sum / count : sum));

    /// <summary>The factor the mean reduction puts on every term's gradient: 1/count, or 1 for sum.</summary>
    protected T Scale(int count) => Reduction == Reduction.Mean ? T.One / T.CreateChecked(count) : T.One;
}
