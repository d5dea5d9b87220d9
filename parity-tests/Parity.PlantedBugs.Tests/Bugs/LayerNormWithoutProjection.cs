using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Layer norm's dx = (ĝ − mean(ĝ))/σ with ĝ = dy·weight, as if σ did not depend on x: the −x̂·mean(ĝ·x̂) term is
/// missing. The weight and bias gradients stay the engine's.
/// </summary>
static class LayerNormWithoutProjection
{
    public static Module<double> Create(LayerDescription layer) => new LayerWithGradientEdit(layer, (weight, _, input, gradOutput, gradInput) =>
    {
        var width = weight.Value.Cols;
        var (_, inverseStd) = LayerNormPositions.Of(input, width, LayerNormPositions.Eps(layer));
        for (var p = 0; p < inverseStd.Length; p++)
        {
            var scaled = Enumerable.Range(0, width).Select(c => gradOutput.Data[p * width + c] * weight.Value.Data[c]).ToArray();
            var mean = scaled.Average();
            for (var c = 0; c < width; c++)
                gradInput.Data[p * width + c] = (scaled[c] - mean) * inverseStd[p];
        }
    });
}
