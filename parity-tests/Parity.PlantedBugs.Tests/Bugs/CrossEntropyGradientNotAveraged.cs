using Parity.Engine.Losses;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Cross-entropy whose forward takes the mean over the batch but whose backward, softmax − one-hot, is never divided by the batch size.</summary>
sealed class CrossEntropyGradientNotAveraged(Reduction reduction) : Loss<double>(reduction)
{
    readonly CrossEntropyLoss<double> _loss = new(reduction), _undivided = new(Reduction.Sum);

    public override double Forward(Matrix<double> output, LossTargets<double> targets)
    {
        _undivided.Forward(output, targets);
        return _loss.Forward(output, targets);
    }

    public override Matrix<double> Backward() => _undivided.Backward();
}
