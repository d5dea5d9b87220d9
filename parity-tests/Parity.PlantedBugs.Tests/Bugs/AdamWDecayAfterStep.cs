using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>AdamW shrinking the weights after the Adam step, p ← (p − step)·(1 − lr·wd), where PyTorch shrinks them first and then steps.</summary>
static class AdamWDecayAfterStep
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, AdamOptions options) =>
        new ElementwiseAdam(parameters, options, (double p, double m, double v, ref double maxV, double lr, int t) =>
            AdamStep.Of(options, p, m, v, lr, t) * (1 - lr * options.WeightDecay));
}
