namespace Parity.Harness.Diagnosis;

/// <summary>Whether a ≈ r·b for one scalar r (least squares), and what r is.</summary>
public static class RatioFit
{
    const double Residual = 1e-3;

    public static double? Of(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double ab = 0, bb = 0, aa = 0;
        for (var i = 0; i < a.Count; i++)
            (ab, bb, aa) = (ab + a[i] * b[i], bb + b[i] * b[i], aa + a[i] * a[i]);
        if (bb == 0 || !double.IsFinite(ab))
            return null;
        var r = ab / bb;
        var residual = 0.0;
        for (var i = 0; i < a.Count; i++)
            residual += (a[i] - r * b[i]) * (a[i] - r * b[i]);
        return Math.Sqrt(residual) <= Residual * Math.Sqrt(Math.Max(aa, bb)) ? r : null;
    }

    /// <summary>One ratio shared by every pair (pairs whose reference is all zero are skipped), or null.</summary>
    public static double? Common(IEnumerable<(double[] Value, double[] Reference)> pairs)
    {
        double? common = null;
        foreach (var (value, reference) in pairs)
        {
            if (reference.All(v => v == 0))
                continue;
            if (Of(value, reference) is not { } r || (common is { } c && !Near(r, c)))
                return null;
            common ??= r;
        }
        return common;
    }

    /// <summary>
    /// One ratio r ≠ 1 with a = r·b in every element of every pair, each to 1e-3 of itself (elements under 1e-6 of
    /// the largest are rounding noise beside it), or null: a scale that shows only in the least-squares sense of
    /// <see cref="Of"/> leaves other differences beside it, and r = 1 scales nothing, so neither is the cause.
    /// </summary>
    public static double? Uniform(IReadOnlyList<(double[] Value, double[] Reference)> pairs)
    {
        if (Common(pairs) is not { } r || Near(r, 1))
            return null;
        var scale = pairs.SelectMany(p => p.Value.Select(Math.Abs).Concat(p.Reference.Select(v => Math.Abs(r * v)))).DefaultIfEmpty(0).Max();
        return pairs.All(p => p.Value.Zip(p.Reference, (a, b) => Math.Abs(a - r * b) <= Residual * Math.Max(Math.Max(Math.Abs(a), Math.Abs(r * b)), 1e-6 * scale)).All(ok => ok))
            ? r
            : null;
    }

    public static bool Near(double a, double b) => Math.Abs(a - b) <= 1e-3 * Math.Max(Math.Abs(a), Math.Abs(b));
}
