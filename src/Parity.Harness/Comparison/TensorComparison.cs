using Parity.Spec;

namespace Parity.Harness.Comparison;

/// <summary>
/// Compares an engine's tensor with the reference's, element by element: |a − b| ≤ atol + rtol·max(|b|, scale).
/// The scale is the size of the terms the tensor's elements are computed from, by default the reference tensor's
/// largest element: a sum's rounding is relative to its terms, not to its result, so an element that cancels to
/// nearly zero carries the rounding of the tensor's scale, not a rounding of its own size.
/// </summary>
public static class TensorComparison
{
    public static TensorDifference Compare(HostTensor value, HostTensor reference, Tolerance tolerance, DType dtype, double? scale = null)
    {
        if (!value.Shape.SequenceEqual(reference.Shape))
            return Mismatch(value, reference);
        var (a, b) = (value.Data, reference.Data);
        var floor = scale ?? LargestFinite(b);
        double maxAbs = 0, maxRel = 0, dot = 0, normA = 0, normB = 0, worstExcess = double.NegativeInfinity;
        var worst = 0;
        var ulps = new double[a.Length];
        var finite = true;
        for (var i = 0; i < a.Length; i++)
        {
            var difference = Math.Abs(a[i] - b[i]);
            if (!double.IsFinite(a[i]) || !double.IsFinite(b[i]))
            {
                // Two NaNs (or two infinities) are never a match: a NaN is always a failure.
                finite = false;
                if (!double.IsPositiveInfinity(worstExcess))
                    (worst, worstExcess) = (i, double.PositiveInfinity);
                continue;
            }
            maxAbs = Math.Max(maxAbs, difference);
            if (b[i] != 0)
                maxRel = Math.Max(maxRel, difference / Math.Abs(b[i]));
            var excess = difference - (tolerance.Atol + tolerance.Rtol * Math.Max(Math.Abs(b[i]), floor));
            if (excess > worstExcess)
                (worst, worstExcess) = (i, excess);
            ulps[i] = Ulp.Distance(a[i], b[i], dtype);
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }
        Array.Sort(ulps);
        return new TensorDifference(
            value.Name, value.Shape,
            MaxAbsErr: finite ? maxAbs : double.NaN,
            MaxRelErr: finite ? maxRel : double.NaN,
            MaxUlp: ulps.Length == 0 ? 0 : ulps[^1],
            MedianUlp: ulps.Length == 0 ? 0 : ulps[ulps.Length / 2],
            Cosine: normA == 0 && normB == 0 ? 1 : dot / Math.Sqrt(normA * normB),
            NormRatio: normB == 0 ? (normA == 0 ? 1 : double.PositiveInfinity) : Math.Sqrt(normA / normB),
            Passed: finite && worstExcess <= 0,
            Worst: worst,
            Value: a.Length == 0 ? 0 : a[worst],
            Reference: b.Length == 0 ? 0 : b[worst]);
    }

    /// <summary>The largest finite magnitude among the values (0 when none is finite): a NaN fails on its own, it sets no scale.</summary>
    public static double LargestFinite(IEnumerable<double> values) => values.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();

    static TensorDifference Mismatch(HostTensor value, HostTensor reference) =>
        new(value.Name, value.Shape, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, false, 0, double.NaN, double.NaN);
}
