using Parity.Engine.Losses;
using Parity.Spec;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>The MSE gradient written 2·(y − p): the error taken target minus prediction, every gradient negated.</summary>
static class MseGradientSignFlipped
{
    public static Loss<double> Create(LossSpec loss) => new MseWithGradient(loss.Reduction, (p, y, scale) => 2 * scale * (y - p));
}
