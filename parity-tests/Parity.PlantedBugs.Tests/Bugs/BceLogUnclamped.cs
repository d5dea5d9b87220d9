using Parity.Engine.Losses;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// BCE's forward without PyTorch's clamp of each log at −100: a sigmoid saturated to exactly 0 or 1
/// makes log 0 = −∞, and the loss ∞ (or NaN, 0·∞). The gradient is the engine's.
/// </summary>
sealed class BceLogUnclamped(Reduction reduction) : Loss<double>(reduction)
{
    readonly BceLoss<double> _bce = new(reduction);

    public override double Forward(Matrix<double> output, LossTargets<double> targets)
    {
        _bce.Forward(output, targets);
        var sum = 0.0;
        for (var i = 0; i < output.Data.Length; i++)
        {
            var (p, y) = (output.Data[i], targets.Values!.Data[i]);
            sum += (y - 1) * Math.Log(1 - p) - y * Math.Log(p);
        }
        return Reduce(sum, output.Data.Length);
    }

    public override Matrix<double> Backward() => _bce.Backward();
}
