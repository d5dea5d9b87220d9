using System.Numerics;
using Parity.Engine.Numerics;
using Parity.Spec;

namespace Parity.Engine.Losses;

/// <summary>L = Σ (p − y)², divided by the element count for the mean.</summary>
public sealed class MseLoss<T>(Reduction reduction) : Loss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    Matrix<T>? _prediction, _target;

    public override double Forward(Matrix<T> output, LossTargets<T> targets)
    {
        (_prediction, _target) = (output, targets.Values!);
        var sum = 0.0;
        for (var i = 0; i < output.Data.Length; i++)
        {
            var difference = double.CreateChecked(output.Data[i] - _target.Data[i]);
            sum += difference * difference;
        }
        return Reduce(sum, output.Data.Length);
    }

    // dL/dp = 2·(p − y)·scale  (mse_loss_backward)
    public override Matrix<T> Backward()
    {
        var p = _prediction!;
        var grad = Matrix<T>.Reuse(ref GradInput, p.Rows, p.Cols);
        var norm = T.CreateChecked(2) * Scale(p.Data.Length);
        for (var i = 0; i < p.Data.Length; i++)
            grad.Data[i] = norm * (p.Data[i] - _target!.Data[i]);
        return grad;
    }
}
