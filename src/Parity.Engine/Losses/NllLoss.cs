using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Losses;

/// <summary>
/// Negative log-likelihood on log-probabilities x (log-softmax's output) with class indices:
/// L_i = −x_i,y; the mean divides by the number of rows. dL/dx is −scale at each row's target, 0 elsewhere.
/// </summary>
public sealed class NllLoss<T>(Reduction reduction) : Loss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    int[]? _classes;
    int _rows, _cols;

    public override double Forward(Matrix<T> output, LossTargets<T> targets)
    {
        (_classes, _rows, _cols) = (targets.Classes!, output.Rows, output.Cols);
        var sum = 0.0;
        for (var row = 0; row < output.Rows; row++)
        {
            var target = _classes[row];
            if ((uint)target >= (uint)output.Cols)
                throw new ArgumentOutOfRangeException(nameof(targets), $"class index {target} in row {row} is outside [0, {output.Cols})");
            sum -= double.CreateChecked(output[row, target]);
        }
        return Reduce(sum, output.Rows);
    }

    public override Matrix<T> Backward()
    {
        var grad = Matrix<T>.Reuse(ref GradInput, _rows, _cols);
        Array.Clear(grad.Data);
        var scale = Scale(_rows);
        for (var row = 0; row < _rows; row++)
            grad[row, _classes![row]] = -scale;
        return grad;
    }
}
