using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>PyTorch's Adam step of one element from its moments, for the planted bugs whose mistake lies around it rather than in it.</summary>
static class AdamStep
{
    public static double Of(AdamOptions options, double p, double m, double v, double lr, int t) =>
        p - lr / (1 - Math.Pow(options.Beta1, t)) * m / (Math.Sqrt(v) / Math.Sqrt(1 - Math.Pow(options.Beta2, t)) + options.Eps);
}
