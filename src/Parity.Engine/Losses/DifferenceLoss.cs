using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Losses;

/// <summary>
/// A loss that is a sum of one term per element of d = p − y (l1, smooth-l1, huber): forward keeps d
/// for backward, which is the term's slope at d times the mean's 1/n (or 1 for sum), as PyTorch's
/// elementwise loss kernels compute it.
/// </summary>
public abstract class DifferenceLoss<T>(Reduction reduction) : Loss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    Matrix<T>? _difference;

    /// <summary>The loss term of one element, in float64 (summed in float64 and rounded once to T).</summary>
    protected abstract double Term(double d);

    /// <summary>d(term)/dd at one element, in T.</summary>
    protected abstract T Slope(T d);

    public override double Forward(Matrix<T> output, LossTargets<T> targets)
    {
        var difference = Matrix<T>.Reuse(ref _difference, output.Rows, output.Cols);
        TensorPrimitives.Subtract<T>(output.Data, targets.Values!.Data, difference.Data);
        var sum = 0.0;
        foreach (var d in difference.Data)
            sum += Term(double.CreateChecked(d));
        return Reduce(sum, difference.Data.Length);
    }

    public override Matrix<T> Backward()
    {
        var d = _difference!.Data;
        var grad = Matrix<T>.Reuse(ref GradInput, _difference.Rows, _difference.Cols);
        var scale = Scale(d.Length);
        for (var i = 0; i < d.Length; i++)
            grad.Data[i] = Slope(d[i]) * scale;
        return grad;
    }

    /// <summary>sign(d) with sign(0) = 0, as PyTorch's l1 backward (the subgradient 0 at the kink).</summary>
    protected static T Sign(T d) => d > T.Zero ? T.One : d < T.Zero ? T.NegativeOne : T.Zero;
}
