using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>db = dY[0], the single-sample rule kept for a batch: the sum over the batch's rows is missing.</summary>
static class BiasGradientFirstRow
{
    public static Module<double> Create(LayerDescription layer) => new LayerWithGradientEdit(layer, (_, bias, _, gradOutput, _) =>
        gradOutput.Row(0).CopyTo(bias!.Grad.Data));
}
