using Parity.Engine.Losses;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>The MSE gradient written 2·(y − p): the error taken target minus prediction, every gradient negated.</summary>
static class MseGradientSignFlipped
{
    public static Loss<double> Create(Described loss) => new LossWithGradient(new MseLoss<double>(ReductionOption.Of(loss)), (p, y, scale) => 2 * scale * (y - p));
}
