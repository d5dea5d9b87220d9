using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>The position table's gradient taken from the batch's first sample alone: its sum over the rows, each of which the table was added to, is missing.</summary>
static class PositionEmbeddingGradientFirstRow
{
    public static Module<double> Create(LayerDescription layer) => new LayerWithGradientEdit(layer, (weight, _, _, gradOutput, _) =>
        gradOutput.Row(0).CopyTo(weight.Grad.Data));
}
