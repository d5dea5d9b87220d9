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
        for (var i = 0; i < series.Count; i++)
        {
            var coordinates = series[i].Points.Where(p => Plottable(p.Y, logY) && double.IsFinite(p.X))
                .Select(p => $"{F(X(x, p.X))},{F(Y(y, p.Y))}");
            svg.Append($"<polyline class=\"series series-{i}\" fill=\"none\" stroke=\"{Colours[i % Colours.Length]}\" stroke-width=\"2\" stroke-dasharray=\"{Dashes[i % Dashes.Length]}\" points=\"{string.Join(' ', coordinates)}\"/>");
        }
        return Close(svg, series.Select(s => s.Name).ToList());
    }

    /// <summary>Grouped bars: one group per category, one bar per series.</summary>
    public static string Bars(string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, bool logY = false)
    {
        var values = series.SelectMany(s => s.Values).Where(v => Plottable(v, logY)).ToList();
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
        return Close(svg, series.Select(s => s.Name).ToList());
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

    static string Close(StringBuilder svg, IReadOnlyList<string> names)
    {
        svg.Append("<g class=\"legend\">");
        for (var i = 0; i < names.Count; i++)
        {
            var top = Top + 10 + i * 20;
            svg.Append($"<line x1=\"{Width - Right + 12}\" y1=\"{top}\" x2=\"{Width - Right + 40}\" y2=\"{top}\" stroke=\"{Colours[i % Colours.Length]}\" stroke-width=\"3\" stroke-dasharray=\"{Dashes[i % Dashes.Length]}\"/>");
            svg.Append($"<text x=\"{Width - Right + 46}\" y=\"{top}\" dominant-baseline=\"middle\" font-size=\"12\">{Escape(names[i])}</text>");
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
