using System.Globalization;

namespace Parity.Harness;

/// <summary>How numbers are written in verdicts and tables: enough digits to compare, invariant culture.</summary>
public static class Figures
{
    public static string Loss(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "–";

    public static string Accuracy(double? value) => value is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "–";

    /// <summary>Errors, drifts and ULPs: two significant decimals and the exponent.</summary>
    public static string Scientific(double value) => value.ToString("0.##E+0", CultureInfo.InvariantCulture);

    public static string Mark(bool passed) => passed ? "✅ passed" : "❌ failed";

    /// <summary>The epochs worth a row: all of a short run, about twenty spread over a long one, always the last.</summary>
    public static IEnumerable<T> Sample<T>(IReadOnlyList<T> rows, int target = 20)
    {
        var every = Math.Max(1, (rows.Count + target - 1) / target);
        return rows.Where((_, i) => i % every == every - 1 || i == rows.Count - 1);
    }
}
