using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Layer norm's weight gradient Σ dy·x̂ reduced over the rows and the features of [rows, T, C], one value per
/// position t, where it must be reduced over the rows and the positions, one per feature: with T = C the shapes fit
/// and nothing fails but the numbers.
/// </summary>
static class LayerNormWeightGradientOverFeatures
{
    public static Module<double> Create(LayerDescription layer) => new LayerWithGradientEdit(layer, (weight, _, input, gradOutput, _) =>
    {
        var width = weight.Value.Cols;
        var steps = layer.InputShape[0];
        var (normalised, _) = LayerNormPositions.Of(input, width, LayerNormPositions.Eps(layer));
        Array.Clear(weight.Grad.Data);
        for (var i = 0; i < normalised.Length; i++)
            weight.Grad.Data[i / width % steps] += gradOutput.Data[i] * normalised[i];
    });
}
