using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// The momentum buffer starts at zero and b ← μ·b + (1 − dampening)·g runs from the first step, so the
/// first step is damped too; PyTorch's first buffer is the gradient itself.
/// </summary>
static class DampeningOnFirstStep
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, SgdOptions options) =>
        new ElementwiseSgd(parameters, options.Lr, (double p, double g, double lr, ref double buffer) =>
        {
            buffer = options.Momentum * buffer + (1 - options.Dampening) * (g + options.WeightDecay * p);
            return p - lr * buffer;
        });
}
