using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Losses;

/// <summary>
/// Cross-entropy over logits with class indices: L_i = log Σ_j e^(x_ij) − x_i,y, through the
/// log-sum-exp shifted by the row maximum; the mean divides by the number of rows.
/// As in PyTorch's log_softmax, the maximum is subtracted before log Σ, never folded into one
/// shift: rounding max + log Σ to the dtype would cost up to ulp(max) in every gradient.
/// </summary>
public sealed class CrossEntropyLoss<T>(Reduction reduction) : Loss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    // softmax(x) row by row, kept from forward for backward; a row in float64 for log Σ.
    Matrix<T>? _probabilities;
    double[]? _row;
    int[]? _classes;

    public override double Forward(Matrix<T> output, LossTargets<T> targets)
    {
        _classes = targets.Classes!;
        var probabilities = Matrix<T>.Reuse(ref _probabilities, output.Rows, output.Cols);
        if (_row?.Length != output.Cols)
            _row = new double[output.Cols];
        var sum = 0.0;
        for (var row = 0; row < output.Rows; row++)
        {
            var target = _classes[row];
            if ((uint)target >= (uint)output.Cols)
                throw new ArgumentOutOfRangeException(nameof(targets), $"class index {target} in row {row} is outside [0, {output.Cols})");
            var x = output.Row(row);
            var max = TensorPrimitives.Max<T>(x);
            // log Σ e^(x − max) in float64 whatever T: a float32 sum moves every probability by an ulp
            // now and then, and (p − 1) of a confident row magnifies it; lockstep training of the
            // float32 Fashion-MNIST spec drifted 600× further from libtorch that way.
            TensorPrimitives.ConvertTruncating<T, double>(x, _row);
            TensorPrimitives.Subtract(_row, double.CreateChecked(max), _row);
            TensorPrimitives.Exp<double>(_row, _row);
            var logSum = Math.Log(TensorPrimitives.Sum<double>(_row));
            sum += logSum - (double.CreateChecked(x[target]) - double.CreateChecked(max));
            // softmax = e^((x − max) − log Σ)
            var p = probabilities.Row(row);
            TensorPrimitives.Subtract(x, max, p);
            TensorPrimitives.Subtract(p, T.CreateChecked(logSum), p);
            TensorPrimitives.Exp<T>(p, p);
        }
        return Reduce(sum, output.Rows);
    }

    // dL/dx_ij = (softmax(x_i)_j − [j = y_i])·scale
    public override Matrix<T> Backward()
    {
        var p = _probabilities!;
        var grad = Matrix<T>.Reuse(ref GradInput, p.Rows, p.Cols);
        var scale = Scale(p.Rows);
        TensorPrimitives.Multiply(p.Data, scale, grad.Data);
        for (var row = 0; row < p.Rows; row++)
            grad[row, _classes![row]] = (p[row, _classes[row]] - T.One) * scale;
        return grad;
    }
}
