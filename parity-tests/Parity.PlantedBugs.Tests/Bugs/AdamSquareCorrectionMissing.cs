using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Adam that corrects m's bias but not v's: it divides by √v + eps where PyTorch divides by √v / √(1 − β₂ᵗ) + eps.</summary>
static class AdamSquareCorrectionMissing
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, AdamOptions options) =>
        new ElementwiseAdam(parameters, options, (double p, double m, double v, ref double maxV, double lr, int t) =>
            p - lr / (1 - Math.Pow(options.Beta1, t)) * m / (Math.Sqrt(v) + options.Eps));
}
