using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// AdamW written as Adam with weight decay: the decay enters the gradient (L2) and is rescaled by the
/// moments like the rest of it, instead of shrinking the weights directly, p ← p·(1 − lr·wd).
/// </summary>
static class AdamWDecayAsL2
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, AdamOptions options) =>
        new Adam<double>(parameters, options with { Decoupled = false });
}
