using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Losses;

/// <summary>
/// Binary cross-entropy on probabilities: L = −(y·log p + (1 − y)·log(1 − p)), each log clamped at
/// −100 as PyTorch does so that p = 0 or 1 gives a finite loss.
/// </summary>
public sealed class BceLoss<T>(Reduction reduction) : Loss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    const double LogFloor = -100;
    // PyTorch's EPSILON is a float constant: in float64 the floor is float32's 1e-12, 9.999999996e-13, and a prediction
    // saturated to exactly 0 or 1 gets 1/(N·that) — 4e-9 away from 1/(N·1e-12), far beyond float64 rounding.
    static readonly T Epsilon = T.CreateChecked(1e-12f);
    Matrix<T>? _prediction, _target, _denominator;

    public override double Forward(Matrix<T> output, LossTargets<T> targets)
    {
        (_prediction, _target) = (output, targets.Values!);
        var sum = 0.0;
        for (var i = 0; i < output.Data.Length; i++)
        {
            var p = double.CreateChecked(output.Data[i]);
            var y = double.CreateChecked(_target.Data[i]);
            sum += (y - 1) * Math.Max(Math.Log(1 - p), LogFloor) - y * Math.Max(Math.Log(p), LogFloor);
        }
        return Reduce(sum, output.Data.Length);
    }

    // dL/dp = (p − y) / max((1 − p)·p, 1e-12f) · scale  (binary_cross_entropy_backward)
    public override Matrix<T> Backward()
    {
        var p = _prediction!.Data;
        var denominator = Matrix<T>.Reuse(ref _denominator, _prediction.Rows, _prediction.Cols).Data;
        var grad = Matrix<T>.Reuse(ref GradInput, _prediction.Rows, _prediction.Cols);
        TensorPrimitives.Subtract(T.One, p, denominator);
        TensorPrimitives.Multiply<T>(denominator, p, denominator);
        TensorPrimitives.Max(denominator, Epsilon, denominator);
        TensorPrimitives.Subtract<T>(p, _target!.Data, grad.Data);
        TensorPrimitives.Divide<T>(grad.Data, denominator, grad.Data);
        TensorPrimitives.Multiply(grad.Data, Scale(p.Length), grad.Data);
        return grad;
    }
}
