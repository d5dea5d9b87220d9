using System.Globalization;

namespace Parity.Cli.Reports;

/// <summary>Numbers as the reports write them: invariant culture, short, the same on every machine.</summary>
static class Format
{
    public static string E(double value) => double.IsNaN(value) ? "NaN" : value.ToString("0.##E+0", CultureInfo.InvariantCulture);

    public static string G(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "–";

    public static string Accuracy(double? value) => value is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "–";

    public static string Mark(bool passed) => passed ? "✅ passed" : "❌ failed";
}
