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

    public static bool Near(double a, double b) => Math.Abs(a - b) <= 1e-3 * Math.Max(Math.Abs(a), Math.Abs(b));
}
