using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>weight.grad[id] = dy[t], assigned position by position: a token that repeats in the batch keeps its last occurrence's gradient, not their sum.</summary>
static class EmbeddingGradientOverwritten
{
    public static Module<double> Create(LayerDescription layer) => new LayerWithGradientEdit(layer, (weight, _, input, gradOutput, _) =>
    {
        var width = weight.Value.Cols;
        for (var t = 0; t < input.Data.Length; t++)
            gradOutput.Data.AsSpan(t * width, width).CopyTo(weight.Grad.Row((int)input.Data[t]));
    });
}
