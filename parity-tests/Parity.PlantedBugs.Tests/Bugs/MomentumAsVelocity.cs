using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Momentum in the textbook velocity form v ← μ·v − lr·g, p ← p + v: the learning rate is folded into
/// v when each gradient arrives, so a schedule's new lr never reaches the past gradients as it does in
/// PyTorch's p ← p − lr·b (and dampening is ignored).
/// </summary>
static class MomentumAsVelocity
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, SgdOptions options) =>
        new ElementwiseSgd(parameters, options.Lr, (double p, double g, double lr, ref double velocity) =>
        {
            velocity = options.Momentum * velocity - lr * (g + options.WeightDecay * p);
            return p + velocity;
        });
}
