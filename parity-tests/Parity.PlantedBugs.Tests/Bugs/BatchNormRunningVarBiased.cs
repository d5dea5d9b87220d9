using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Batch norm that keeps the batch's biased variance Σ(x − μ)²/n in running_var, the one it normalised by, instead of PyTorch's unbiased one.</summary>
sealed class BatchNormRunningVarBiased(LayerDescription layer) : BatchNorm<double>(layer)
{
    protected override double RunningVariance(double squares, int n) => squares / n;
}
