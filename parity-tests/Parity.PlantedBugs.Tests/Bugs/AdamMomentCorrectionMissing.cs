using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Adam that corrects v's bias but not m's: it steps by lr·m where PyTorch steps by (lr / (1 − β₁ᵗ))·m, 10× too small at step 1 with β₁ = 0.9.</summary>
static class AdamMomentCorrectionMissing
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, AdamOptions options) =>
        new ElementwiseAdam(parameters, options, (double p, double m, double v, ref double maxV, double lr, int t) =>
            p - lr * m / (Math.Sqrt(v) / Math.Sqrt(1 - Math.Pow(options.Beta2, t)) + options.Eps));
}
