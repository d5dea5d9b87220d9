using Parity.Engine.Losses;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>The MSE gradient written (p − y)/n, as if the loss were ½·mean (p − y)²: the 2 of d(p − y)²/dp is dropped.</summary>
static class MseGradientMissingTwo
{
    public static Loss<double> Create(Described loss) => new LossWithGradient(new MseLoss<double>(ReductionOption.Of(loss)), (p, y, scale) => scale * (p - y));
}
