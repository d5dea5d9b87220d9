using MathNet.Numerics;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// The k of t ≈ c·xᵏ: the slope of a least-squares line through (log x, log t). A step whose work
/// is all matrix products of the batch grows with k ≈ 1 in the batch size and k ≈ 2 in a hidden width
/// (while per-call overhead, constant, pulls k towards 0).
/// </summary>
public static class GrowthExponent
{
    public static double Fit(IReadOnlyList<double> x, IReadOnlyList<double> t)
    {
        if (x.Count != t.Count)
            throw new ArgumentException($"{x.Count} sizes but {t.Count} times");
        if (x.Distinct().Count() < 2)
            throw new ArgumentException("a growth exponent needs at least two different sizes");
        if (x.Concat(t).Any(v => !(v > 0) || !double.IsFinite(v)))
            throw new ArgumentException("sizes and times must be positive and finite to be fitted on a log scale");
        var (_, slope) = MathNet.Numerics.Fit.Line(x.Select(v => Math.Log(v)).ToArray(), t.Select(v => Math.Log(v)).ToArray());
        return slope;
    }
}
