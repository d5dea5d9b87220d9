using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Parity.Harness.Statistics;

/// <summary>Mean, sample standard deviation and the 95 % confidence interval of the mean (Student's t).</summary>
public sealed record Summary(int Count, double Mean, double StdDev, double CiLow, double CiHigh);

/// <summary>
/// Two one-sided tests on paired differences (engine − twin, seed by seed): equivalent when both
/// H₀: mean ≤ −margin and H₀: mean ≥ +margin are rejected at the 5 % level.
/// </summary>
public sealed record Equivalence(double MeanDifference, double Margin, double PLower, double PUpper, bool Equivalent);

public static class SeedStatistics
{
    public const double Alpha = 0.05;

    public static Summary Summarize(IReadOnlyList<double> values)
    {
        var mean = values.Mean();
        var sd = values.Count > 1 ? values.StandardDeviation() : 0;
        var half = values.Count > 1 ? StudentT.InvCDF(0, 1, values.Count - 1, 1 - Alpha / 2) * sd / Math.Sqrt(values.Count) : 0;
        return new Summary(values.Count, mean, sd, mean - half, mean + half);
    }

    public static Equivalence Tost(IReadOnlyList<double> engine, IReadOnlyList<double> twin, double margin)
    {
        var differences = engine.Zip(twin, (a, b) => a - b).ToArray();
        var mean = differences.Mean();
        var se = differences.Length > 1 ? differences.StandardDeviation() / Math.Sqrt(differences.Length) : 0;
        double pLower, pUpper;
        if (se == 0 || !double.IsFinite(se))
        {
            // No spread at all (engines identical up to rounding on every seed): the tests are decided by the mean alone.
            pLower = mean > -margin ? 0 : 1;
            pUpper = mean < margin ? 0 : 1;
        }
        else
        {
            var freedom = differences.Length - 1;
            pLower = 1 - StudentT.CDF(0, 1, freedom, (mean + margin) / se);
            pUpper = StudentT.CDF(0, 1, freedom, (mean - margin) / se);
        }
        return new Equivalence(mean, margin, pLower, pUpper, Math.Max(pLower, pUpper) < Alpha);
    }
}
