using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>db as the mean of dY over the batch's rows instead of their sum: the loss's mean has already divided by the batch.</summary>
static class BiasGradientAveraged
{
    public static Module<double> Create(LayerDescription layer) => new LayerWithGradientEdit(layer, (_, bias, input, _, _) =>
    {
        for (var i = 0; i < bias!.Grad.Data.Length; i++)
            bias!.Grad.Data[i] /= input.Rows;
    });
}
