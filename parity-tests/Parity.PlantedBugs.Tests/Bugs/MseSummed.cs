using Parity.Engine.Losses;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>MSE as Σ (p − y)² whatever the spec's reduction: the mean's 1/n is missing from the loss and its gradient alike.</summary>
static class MseSummed
{
    public static Loss<double> Create(Described loss) => new MseLoss<double>(Reduction.Sum);
}
