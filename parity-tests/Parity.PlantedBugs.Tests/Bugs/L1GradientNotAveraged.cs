using Parity.Engine.Losses;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>L1 whose forward takes the mean but whose gradient sign(p − y) is never divided by the element count.</summary>
static class L1GradientNotAveraged
{
    public static Loss<double> Create(Described loss) =>
        new LossWithGradient(new L1Loss<double>(ReductionOption.Of(loss)), (p, y, _) => Math.Sign(p - y));
}
