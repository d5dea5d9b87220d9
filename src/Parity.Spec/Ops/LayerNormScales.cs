namespace Parity.Spec;

/// <summary>
/// The scales layer norm's rounding is relative to, per position over its last dimension, as batch norm's are per
/// channel over the batch (<see cref="BatchNormRules"/>): its output x̂·w + b divides x − μ, which cancels, by
/// √(σ² + eps); its input gradient (ĝ − mean ĝ − x̂·mean(ĝ·x̂))/√(σ² + eps) sums terms of 1/√(σ² + eps) per unit of
/// the upstream gradient (the affine weight starts at 1, as the check's parameters do), which cancel to
/// eps/(σ² + eps) of it over 2 features, where x̂ = ±√(σ²/(σ² + eps)) (sweep seed 510526: 2 % of an input gradient
/// cancelled that way in float32).
/// </summary>
static class LayerNormScales
{
    public static double OutputScale(OpSettings settings, int[] input, double[] x, int rows) =>
        Positions(settings.Number("eps"), input[^1], x).Max(p => p.Largest * p.Inverse);

    public static double InputGradientSlope(OpSettings settings, int[] input, double[] x, int rows) =>
        Positions(settings.Number("eps"), input[^1], x).Max(p => p.Inverse);

    /// <summary>Each position's mean, 1/√(σ² + eps) (σ² the biased variance over its <paramref name="features"/>) and largest |x|, as layer norm takes them.</summary>
    public static IEnumerable<(double Mean, double Inverse, double Largest)> Positions(double eps, int features, double[] x)
    {
        for (var start = 0; start + features <= x.Length; start += features)
        {
            var values = x.AsSpan(start, features);
            double mean = 0, variance = 0, largest = 0;
            foreach (var v in values)
                mean += v / features;
            foreach (var v in values)
            {
                variance += (v - mean) * (v - mean) / features;
                largest = Math.Max(largest, Math.Abs(v));
            }
            yield return (mean, 1 / Math.Sqrt(variance + eps), largest);
        }
    }
}
