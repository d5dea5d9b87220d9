using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Losses;

/// <summary>L = Σ (p − y)², divided by the element count for the mean.</summary>
public sealed class MseLoss<T>(Reduction reduction) : Loss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    // p − y, kept from forward for backward.
    Matrix<T>? _difference;

    public override double Forward(Matrix<T> output, LossTargets<T> targets)
    {
        var difference = Matrix<T>.Reuse(ref _difference, output.Rows, output.Cols);
        TensorPrimitives.Subtract<T>(output.Data, targets.Values!.Data, difference.Data);
        return Reduce(double.CreateChecked(TensorPrimitives.SumOfSquares<T>(difference.Data)), output.Data.Length);
    }

    // dL/dp = 2·scale·(p − y)  (mse_loss_backward)
    public override Matrix<T> Backward()
    {
        var difference = _difference!;
        var grad = Matrix<T>.Reuse(ref GradInput, difference.Rows, difference.Cols);
        TensorPrimitives.Multiply(difference.Data, T.CreateChecked(2) * Scale(grad.Data.Length), grad.Data);
        return grad;
    }
}
