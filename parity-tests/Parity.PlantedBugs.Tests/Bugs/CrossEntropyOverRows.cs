using System.Numerics.Tensors;
using Parity.Engine;
using Parity.Engine.Losses;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Cross-entropy over a sequence's [rows, T, V] logits whose mean divides by the batch's rows instead of the positions
/// it scores: loss and gradient are PyTorch's times scored/rows.
/// </summary>
sealed class CrossEntropyOverRows() : Loss<double>(Reduction.Mean)
{
    readonly CrossEntropyLoss<double> _loss = new(Reduction.Mean);
    double _perRow;

    public override double Forward(Matrix<double> output, LossTargets<double> targets)
    {
        _perRow = (double)targets.Classes!.Count(c => c != Batch.IgnoredTarget) / output.Rows;
        return _loss.Forward(output, targets) * _perRow;
    }

    public override Matrix<double> Backward()
    {
        var gradient = _loss.Backward();
        var grad = Matrix<double>.Reuse(ref GradInput, gradient.Rows, gradient.Cols);
        TensorPrimitives.Multiply(gradient.Data, _perRow, grad.Data);
        return grad;
    }
}
