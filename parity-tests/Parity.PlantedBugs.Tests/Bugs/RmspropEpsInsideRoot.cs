using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>RMSprop dividing by √(s + eps), as some write it (and as Keras once did), instead of PyTorch's √s + eps.</summary>
static class RmspropEpsInsideRoot
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, RmspropOptions options) =>
        new ElementwiseRmsprop(parameters, options, (square, _) => Math.Sqrt(square + options.Eps));
}
