using System.Numerics;
using Parity.Engine.Numerics;
using Parity.Spec;

namespace Parity.Engine.Losses;

/// <summary>
/// Cross-entropy over logits with class indices: L_i = log Σ_j e^(x_ij) − x_i,y, through the
/// log-sum-exp shifted by the row maximum; the mean divides by the number of rows.
/// As in PyTorch's log_softmax, the maximum is subtracted before log Σ, never folded into one
/// shift: rounding max + log Σ to the dtype would cost up to ulp(max) in every gradient.
/// </summary>
public sealed class CrossEntropyLoss<T>(Reduction reduction) : Loss<T>(reduction) where T : unmanaged, IFloatingPointIeee754<T>
{
    Matrix<T>? _logits;
    int[]? _classes;

    public override double Forward(Matrix<T> output, LossTargets<T> targets)
    {
        (_logits, _classes) = (output, targets.Classes!);
        var sum = 0.0;
        for (var row = 0; row < output.Rows; row++)
        {
            var x = output.Row(row);
            var target = _classes[row];
            if ((uint)target >= (uint)output.Cols)
                throw new ArgumentOutOfRangeException(nameof(targets), $"class index {target} in row {row} is outside [0, {output.Cols})");
            var (max, logSum) = ShiftedLogSumExp(x);
            sum += logSum - (double.CreateChecked(x[target]) - max);
        }
        return Reduce(sum, output.Rows);
    }

    // dL/dx_ij = (softmax(x_i)_j − [j = y_i])·scale,  softmax = e^((x − max) − log Σ)
    public override Matrix<T> Backward()
    {
        var x = _logits!;
        var grad = Matrix<T>.Reuse(ref GradInput, x.Rows, x.Cols);
        var scale = Scale(x.Rows);
        for (var row = 0; row < x.Rows; row++)
        {
            var logits = x.Row(row);
            var g = grad.Row(row);
            var (max, logSum) = ShiftedLogSumExp(logits);
            var (rowMax, rowLogSum) = (T.CreateChecked(max), T.CreateChecked(logSum));
            for (var j = 0; j < g.Length; j++)
                g[j] = (T.Exp(logits[j] - rowMax - rowLogSum) - (j == _classes![row] ? T.One : T.Zero)) * scale;
        }
        return grad;
    }

    /// <summary>The row maximum and log Σ_j e^(x_j − max).</summary>
    static (double Max, double LogSum) ShiftedLogSumExp(ReadOnlySpan<T> x)
    {
        var max = double.NegativeInfinity;
        foreach (var value in x)
            max = Math.Max(max, double.CreateChecked(value));
        var sum = 0.0;
        foreach (var value in x)
            sum += Math.Exp(double.CreateChecked(value) - max);
        return (max, Math.Log(sum));
    }
}
