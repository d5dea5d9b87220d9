using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Losses;

/// <summary>
/// Sigmoid and binary cross-entropy in one, on logits x: L = (1 − y)·x + m + log(e^(−m) + e^(−x−m)),
/// m = max(−x, 0) — PyTorch's stable form, finite for any x.
/// </summary>
public sealed class BceWithLogitsLoss<T>(Reduction reduction) : Loss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    Matrix<T>? _logits, _target;

    public override double Forward(Matrix<T> output, LossTargets<T> targets)
    {
        (_logits, _target) = (output, targets.Values!);
        var sum = 0.0;
        for (var i = 0; i < output.Data.Length; i++)
        {
            var x = double.CreateChecked(output.Data[i]);
            var y = double.CreateChecked(_target.Data[i]);
            var m = Math.Max(-x, 0);
            sum += (1 - y) * x + m + Math.Log(Math.Exp(-m) + Math.Exp(-x - m));
        }
        return Reduce(sum, output.Data.Length);
    }

    // dL/dx = (σ(x) − y)·scale
    public override Matrix<T> Backward()
    {
        var x = _logits!;
        var grad = Matrix<T>.Reuse(ref GradInput, x.Rows, x.Cols);
        TensorPrimitives.Sigmoid<T>(x.Data, grad.Data);
        TensorPrimitives.Subtract<T>(grad.Data, _target!.Data, grad.Data);
        TensorPrimitives.Multiply(grad.Data, Scale(x.Data.Length), grad.Data);
        return grad;
    }
}
