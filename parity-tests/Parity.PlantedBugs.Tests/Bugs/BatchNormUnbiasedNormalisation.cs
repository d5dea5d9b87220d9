using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Batch norm that normalises a training batch by the unbiased variance Σ(x − μ)²/(n − 1), the one torch.var returns by default.</summary>
sealed class BatchNormUnbiasedNormalisation(LayerDescription layer) : BatchNorm<double>(layer)
{
    protected override double NormalisingVariance(double squares, int n) => squares / (n - 1);
}
