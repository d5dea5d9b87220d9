using Parity.Engine.Losses;
using Parity.Spec;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>The MSE gradient written (p − y)/n, as if the loss were ½·mean (p − y)²: the 2 of d(p − y)²/dp is dropped.</summary>
static class MseGradientMissingTwo
{
    public static Loss<double> Create(LossSpec loss) => new MseWithGradient(loss.Reduction, (p, y, scale) => scale * (p - y));
}
