using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Nesterov's look-ahead taken with the buffer as it was before this step's update, g + μ·b_old, instead of
/// PyTorch's g + μ·b with the new buffer: the buffer itself is right, only the step applied is not.
/// Not in the catalogue: the state diagnosis must name it without a hypothesis of its own.
/// </summary>
static class NesterovOldBuffer
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, SgdOptions options) =>
        new ElementwiseSgd(parameters, options.Lr, (double p, double g, double lr, ref double buffer) =>
        {
            var old = buffer;
            // Without dampening μ·0 + g is PyTorch's first buffer, g itself.
            buffer = options.Momentum * buffer + (1 - options.Dampening) * g;
            return p - lr * (g + options.Momentum * old);
        });
}
