using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// x̂ = (x − μ)/√(σ² + eps) and 1/√(σ² + eps) of every position (C values each) of a layer norm's input,
/// recomputed from the input the planted layer-norm bugs keep, as the engine's forward computes them.
/// </summary>
static class LayerNormPositions
{
    public static (double[] Normalised, double[] InverseStd) Of(Matrix<double> input, int width, double eps)
    {
        var normalised = new double[input.Data.Length];
        var inverseStd = new double[normalised.Length / width];
        for (var p = 0; p < inverseStd.Length; p++)
        {
            var x = input.Data.AsSpan(p * width, width).ToArray();
            var mean = x.Average();
            var variance = x.Average(v => (v - mean) * (v - mean));
            inverseStd[p] = 1 / Math.Sqrt(variance + eps);
            for (var c = 0; c < width; c++)
                normalised[p * width + c] = (x[c] - mean) * inverseStd[p];
        }
        return (normalised, inverseStd);
    }

    public static double Eps(LayerDescription layer) => layer.Number("eps", 1e-5);
}
