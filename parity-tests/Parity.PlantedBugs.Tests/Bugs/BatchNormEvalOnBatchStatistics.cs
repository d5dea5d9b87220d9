using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Batch norm without an eval mode: evaluation normalises by the evaluated batch's own statistics, not the running ones.</summary>
sealed class BatchNormEvalOnBatchStatistics(LayerDescription layer) : BatchNorm<double>(layer)
{
    protected override bool NormalisesByRunningStatistics(ForwardMode mode) => false;
}
