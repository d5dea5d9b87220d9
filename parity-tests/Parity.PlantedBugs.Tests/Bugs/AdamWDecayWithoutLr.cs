using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>AdamW shrinking the weights by the bare weight_decay, p ← p·(1 − wd), where PyTorch scales it by the learning rate, p·(1 − lr·wd).</summary>
static class AdamWDecayWithoutLr
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, AdamOptions options) =>
        new ElementwiseAdam(parameters, options, (double p, double m, double v, ref double maxV, double lr, int t) =>
            AdamStep.Of(options, p * (1 - options.WeightDecay), m, v, lr, t));
}
