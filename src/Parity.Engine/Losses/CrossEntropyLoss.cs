using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Losses;

/// <summary>
/// Cross-entropy over logits with class indices: L_i = log Σ_j e^(x_ij) − x_i,y, through the
/// log-sum-exp shifted by the row maximum; the mean divides by the number of terms.
/// As in PyTorch's log_softmax, the maximum is subtracted before log Σ, never folded into one
/// shift: rounding max + log Σ to the dtype would cost up to ulp(max) in every gradient.
/// A sequence's logits [rows, T·V] with rows·T targets are PyTorch's logits.view(-1, V): one term per
/// position; a position whose target is <see cref="Batch.IgnoredTarget"/> adds nothing, to the sum, the
/// mean's count or the gradient (ignore_index).
/// </summary>
public sealed class CrossEntropyLoss<T>(Reduction reduction) : Loss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    // softmax(x) position by position, kept from forward for backward; a row in float64 for log Σ.
    Matrix<T>? _probabilities, _positions, _gradView;
    double[]? _row;
    int[]? _classes;
    int _counted, _rows, _cols;

    public override double Forward(Matrix<T> output, LossTargets<T> targets)
    {
        (_classes, _rows, _cols) = (targets.Classes!, output.Rows, output.Cols);
        var logits = Matrix<T>.View(ref _positions, output, _classes.Length, output.Data.Length / Math.Max(1, _classes.Length));
        var probabilities = Matrix<T>.Reuse(ref _probabilities, logits.Rows, logits.Cols);
        if (_row?.Length != logits.Cols)
            _row = new double[logits.Cols];
        var sum = 0.0;
        _counted = 0;
        for (var row = 0; row < logits.Rows; row++)
        {
            var target = _classes[row];
            if (target == Batch.IgnoredTarget)
                continue;
            if ((uint)target >= (uint)logits.Cols)
                throw new ArgumentOutOfRangeException(nameof(targets), $"class index {target} in row {row} is outside [0, {logits.Cols})");
            _counted++;
            var x = logits.Row(row);
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
        return Reduce(sum, _counted);
    }

    // dL/dx_ij = (softmax(x_i)_j − [j = y_i])·scale; 0 for an ignored position
    public override Matrix<T> Backward()
    {
        var p = _probabilities!;
        var grad = Matrix<T>.Reuse(ref GradInput, _rows, _cols);
        var positions = Matrix<T>.View(ref _gradView, grad, p.Rows, p.Cols);
        var scale = Scale(_counted);
        for (var row = 0; row < p.Rows; row++)
        {
            var target = _classes![row];
            if (target == Batch.IgnoredTarget)
            {
                positions.Row(row).Clear();
                continue;
            }
            TensorPrimitives.Multiply(p.Row(row), scale, positions.Row(row));
            positions[row, target] = (p[row, target] - T.One) * scale;
        }
        return grad;
    }
}
