using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Adagrad that reads lr_decay but never applies it: every step uses lr, not lr / (1 + (t − 1)·lr_decay).</summary>
static class AdagradLrDecayIgnored
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, AdagradOptions options) =>
        new Adagrad<double>(parameters, options with { LrDecay = 0 });
}
