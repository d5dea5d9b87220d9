using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Centered RMSprop that keeps the running mean ḡ (grad_avg) but never subtracts it: it divides by √s + eps, the
/// plain RMSprop's, where PyTorch divides by √(s − ḡ²) + eps.
/// </summary>
static class RmspropCenteredMeanNotSubtracted
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, RmspropOptions options) =>
        new ElementwiseRmsprop(parameters, options, (square, _) => Math.Sqrt(square) + options.Eps);
}
