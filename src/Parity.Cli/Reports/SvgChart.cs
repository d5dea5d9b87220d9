using System.Globalization;
using System.Net;
using System.Text;

namespace Parity.Cli.Reports;

/// <summary>A named series of (x, y) points; NaN and, on a log axis, non-positive values are left out.</summary>
public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// Inline SVG charts for the self-contained HTML report: axes with ticks and labels, one colour and
/// dash per series, a legend. Written by hand because no plotting library is available here; each
/// element carries a class (axis, series-N, legend) so a rendered page can be checked for it.
/// </summary>
public static class SvgChart
{
    const int Width = 640, Height = 300, Left = 70, Right = 150, Top = 30, Bottom = 45;
    static readonly string[] Colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];
    static readonly string[] Dashes = ["", "6 3", "2 2", "8 2 2 2"];

    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logY = false)
    {
        var points = series.SelectMany(s => s.Points).Where(p => Plottable(p.Y, logY) && double.IsFinite(p.X)).ToList();
        if (points.Count == 0)
            return Empty(title);
        var x = Axis.Linear(points.Min(p => p.X), points.Max(p => p.X));
        var y = logY ? Axis.Log(points.Min(p => p.Y), points.Max(p => p.Y)) : Axis.Linear(points.Min(p => p.Y), points.Max(p => p.Y));
        var svg = Frame(title, xLabel, yLabel, x, y);
        var drawn = series.Select(s => string.Join(' ', s.Points.Where(p => Plottable(p.Y, logY) && double.IsFinite(p.X))
            .Select(p => $"{F(X(x, p.X))},{F(Y(y, p.Y))}"))).ToList();
        var names = new List<string>();
        for (var i = 0; i < series.Count; i++)
        {
            svg.Append($"<polyline class=\"series series-{i}\" fill=\"none\" stroke=\"{Colours[i % Colours.Length]}\" stroke-width=\"2\" stroke-dasharray=\"{Dashes[i % Dashes.Length]}\" points=\"{drawn[i]}\"/>");
            // A line drawn on the very pixels of an earlier one is hidden under it: the legend says so.
            var under = Enumerable.Range(0, i).FirstOrDefault(j => drawn[j] == drawn[i] && drawn[i].Length > 0, -1);
            names.Add(under < 0 ? series[i].Name : $"{series[i].Name} = {series[under].Name}");
        }
        if (names.Any(n => n.Contains(" = ", StringComparison.Ordinal)))
            svg.Append($"<text class=\"coincide\" x=\"{Left + 8}\" y=\"{Top + 12}\" font-size=\"11\" fill=\"#444\">lines marked = in the legend coincide: drawn on the same pixels</text>");
        return Close(svg, names.Select(n => (n, Swatch.Line)).ToList());
    }

    /// <summary>
    /// Grouped bars: one group per category, one bar per series; each of <paramref name="limits"/> (a
    /// tolerance, say) a dashed line across in the colour of the series it bounds, so the margin shows.
    /// </summary>
    public static string Bars(string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, bool logY = false,
        IReadOnlyList<(string Name, double Value, int Series)>? limits = null)
    {
        limits ??= [];
        var values = series.SelectMany(s => s.Values).Concat(limits.Select(l => l.Value)).Where(v => Plottable(v, logY)).ToList();
        if (values.Count == 0)
            return Empty(title);
        var y = logY ? Axis.Log(values.Min(), values.Max()) : Axis.Linear(0, values.Max());
        var x = new Axis(0, categories.Count, [], false);
        var svg = Frame(title, "", yLabel, x, y);
        var group = (double)(Width - Left - Right) / categories.Count;
        var bar = group * 0.8 / series.Count;
        for (var c = 0; c < categories.Count; c++)
        {
            var centre = Left + group * (c + 0.5);
            svg.Append($"<text class=\"tick\" x=\"{F(centre)}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" font-size=\"11\">{Escape(categories[c])}</text>");
            for (var s = 0; s < series.Count; s++)
            {
                var value = series[s].Values[c];
                if (!Plottable(value, logY))
                    continue;
                var top = Y(y, value);
                var bottom = logY ? Y(y, y.Min) : Y(y, 0);
                svg.Append($"<rect class=\"series series-{s}\" x=\"{F(centre - group * 0.4 + bar * s)}\" y=\"{F(top)}\" width=\"{F(bar)}\" height=\"{F(Math.Max(bottom - top, 1))}\" fill=\"{Colours[s % Colours.Length]}\"/>");
            }
        }
        foreach (var limit in limits.Where(l => Plottable(l.Value, logY)))
        {
            var at = F(Y(y, limit.Value));
            svg.Append($"<line class=\"limit\" x1=\"{Left}\" y1=\"{at}\" x2=\"{Width - Right}\" y2=\"{at}\" stroke=\"{Colours[limit.Series % Colours.Length]}\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>");
        }
        return Close(svg, [.. series.Select(s => (s.Name, Swatch.Box)), .. limits.Select(l => (l.Name, Swatch.Limit(l.Series)))]);
    }

    static StringBuilder Frame(string title, string xLabel, string yLabel, Axis x, Axis y)
    {
        var svg = new StringBuilder($"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\">");
        svg.Append($"<title>{Escape(title)}</title><text x=\"{Left}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>");
        svg.Append($"<g class=\"axis\" stroke=\"#222\"><line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\"/><line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\"/></g>");
        foreach (var tick in y.Ticks)
        {
            var at = F(Y(y, tick));
            svg.Append($"<line stroke=\"#ddd\" x1=\"{Left}\" y1=\"{at}\" x2=\"{Width - Right}\" y2=\"{at}\"/><text class=\"tick\" x=\"{Left - 6}\" y=\"{at}\" text-anchor=\"end\" dominant-baseline=\"middle\" font-size=\"11\">{Label(tick)}</text>");
        }
        foreach (var tick in x.Ticks)
            svg.Append($"<text class=\"tick\" x=\"{F(X(x, tick))}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" font-size=\"11\">{Label(tick)}</text>");
        svg.Append($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\" font-size=\"12\">{Escape(xLabel)}</text>");
        svg.Append($"<text transform=\"translate(16 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">{Escape(yLabel)}{(y.IsLog ? " (log scale)" : "")}</text>");
        return svg;
    }

    /// <summary>How a legend entry is drawn: a line in the series' colour and dash, a filled box for a bar, or a tolerance's dashed line.</summary>
    sealed record Swatch(bool Filled, int? LimitOf)
    {
        public static readonly Swatch Line = new(false, null), Box = new(true, null);

        public static Swatch Limit(int series) => new(false, series);
    }

    static string Close(StringBuilder svg, IReadOnlyList<(string Name, Swatch Swatch)> entries)
    {
        svg.Append("<g class=\"legend\">");
        for (var i = 0; i < entries.Count; i++)
        {
            var top = Top + 10 + i * 20;
            var (name, swatch) = entries[i];
            var colour = Colours[(swatch.LimitOf ?? i) % Colours.Length];
            svg.Append(swatch.Filled
                ? $"<rect x=\"{Width - Right + 12}\" y=\"{top - 6}\" width=\"28\" height=\"12\" fill=\"{colour}\"/>"
                : $"<line x1=\"{Width - Right + 12}\" y1=\"{top}\" x2=\"{Width - Right + 40}\" y2=\"{top}\" stroke=\"{colour}\" stroke-width=\"{(swatch.LimitOf is null ? 3 : 1.5)}\" stroke-dasharray=\"{(swatch.LimitOf is null ? Dashes[i % Dashes.Length] : "5 3")}\"/>");
            svg.Append($"<text x=\"{Width - Right + 46}\" y=\"{top}\" dominant-baseline=\"middle\" font-size=\"12\">{Escape(name)}</text>");
        }
        return svg.Append("</g></svg>").ToString();
    }

    static string Empty(string title) =>
        $"<svg class=\"chart empty\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"40\"><text x=\"10\" y=\"24\" font-size=\"13\">{Escape(title)}: nothing to plot</text></svg>";

    static bool Plottable(double value, bool log) => double.IsFinite(value) && (!log || value > 0);

    static double X(Axis axis, double value) => Left + (Width - Left - Right) * axis.Fraction(value);

    static double Y(Axis axis, double value) => Height - Bottom - (Height - Top - Bottom) * axis.Fraction(value);

    static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    static string Label(double value) => value.ToString(Math.Abs(value) is >= 1e-3 and < 1e5 or 0 ? "G4" : "0.#E+0", CultureInfo.InvariantCulture);

    static string Escape(string text) => WebUtility.HtmlEncode(text);

    /// <summary>An axis' range and ticks: "nice" linear steps, or powers of ten.</summary>
    sealed record Axis(double Min, double Max, IReadOnlyList<double> Ticks, bool IsLog)
    {
        public double Fraction(double value) => IsLog
            ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
            : (value - Min) / (Max - Min);

        public static Axis Linear(double min, double max)
        {
            if (max - min < 1e-300)
                (min, max) = (min - Math.Max(Math.Abs(min), 1) * 0.5, max + Math.Max(Math.Abs(max), 1) * 0.5);
            var step = Math.Pow(10, Math.Floor(Math.Log10((max - min) / 5)));
            step *= (max - min) / step > 20 ? 5 : (max - min) / step > 10 ? 2 : 1;
            var low = Math.Floor(min / step) * step;
            var high = Math.Ceiling(max / step) * step;
            var ticks = Enumerable.Range(0, (int)Math.Round((high - low) / step) + 1).Select(i => low + i * step).ToList();
            return new Axis(low, high, ticks, false);
        }

        public static Axis Log(double min, double max)
        {
            var low = Math.Floor(Math.Log10(min));
            var high = Math.Max(Math.Ceiling(Math.Log10(max)), low + 1);
            var every = Math.Max(1, (int)Math.Ceiling((high - low) / 8));
            var ticks = Enumerable.Range(0, (int)(high - low) + 1).Where(i => i % every == 0).Select(i => Math.Pow(10, low + i)).ToList();
            return new Axis(Math.Pow(10, low), Math.Pow(10, high), ticks, true);
        }
    }
}
