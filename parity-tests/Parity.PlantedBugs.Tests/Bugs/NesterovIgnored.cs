using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>The nesterov flag is read but the look-ahead is never taken: the step follows the buffer b, not g + μ·b.</summary>
static class NesterovIgnored
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, SgdOptions options) =>
        new Sgd<double>(parameters, options with { Nesterov = false });
}
