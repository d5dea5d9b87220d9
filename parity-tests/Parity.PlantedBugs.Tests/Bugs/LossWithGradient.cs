using Parity.Engine.Losses;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// An engine loss on target rows (mse, l1, smooth-l1, huber) with its gradient replaced by an
/// elementwise rule dp = rule(p, y, scale), scale being the mean's 1/n (or 1 for sum): each planted
/// bug in such a loss's gradient is one such rule; the forward is the engine's own.
/// </summary>
sealed class LossWithGradient(Loss<double> forward, Func<double, double, double, double> rule) : Loss<double>(forward.Reduction)
{
    Matrix<double>? _prediction, _target;

    public override double Forward(Matrix<double> output, LossTargets<double> targets)
    {
        (_prediction, _target) = (output, targets.Values!);
        return forward.Forward(output, targets);
    }

    public override Matrix<double> Backward()
    {
        var grad = Matrix<double>.Reuse(ref GradInput, _prediction!.Rows, _prediction.Cols);
        var scale = Scale(grad.Data.Length);
        for (var i = 0; i < grad.Data.Length; i++)
            grad.Data[i] = rule(_prediction.Data[i], _target!.Data[i], scale);
        return grad;
    }
}
