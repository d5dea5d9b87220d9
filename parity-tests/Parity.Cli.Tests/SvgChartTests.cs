using System.Text.RegularExpressions;
using Parity.Cli.Reports;

namespace Parity.Cli.Tests;

/// <summary>The charts answer their question: tolerances drawn as lines, coinciding curves said so, bar legends as boxes.</summary>
public class SvgChartTests
{
    static readonly string[] Categories = ["0.weight", "0.bias"];

    [Fact]
    public void A_tolerance_is_a_dashed_line_in_its_series_colour_inside_the_plot_and_in_the_legend()
    {
        var svg = SvgChart.Bars("errors", "max error", Categories, [("relative", [1e-14, 1e-13]), ("absolute", [1e-15, 1e-16])], logY: true,
            limits: [("rtol 1E-9", 1e-9, 0), ("atol 1E-12", 1e-12, 1)]);

        var limits = Regex.Matches(svg, @"<line class=""limit"" x1=""\d+"" y1=""([\d.]+)"" x2=""\d+"" y2=""[\d.]+"" stroke=""(#\w+)""");
        Assert.Equal(2, limits.Count);
        Assert.Equal(["#1f77b4", "#ff7f0e"], limits.Select(m => m.Groups[2].Value));
        // rtol, the larger, higher up; both within the plot's height.
        var (rtol, atol) = (double.Parse(limits[0].Groups[1].Value), double.Parse(limits[1].Groups[1].Value));
        Assert.True(rtol < atol, $"rtol at {rtol} px, atol at {atol} px");
        Assert.All([rtol, atol], at => Assert.InRange(at, 30, 255));
        Assert.Contains(">rtol 1E-9</text>", svg);
        Assert.Contains(">atol 1E-12</text>", svg);
    }

    [Fact]
    public void A_bar_chart_legend_draws_boxes()
    {
        var svg = SvgChart.Bars("errors", "max error", Categories, [("relative", [1e-14, 1e-13])]);

        var legend = svg[svg.IndexOf("<g class=\"legend\">", StringComparison.Ordinal)..];
        Assert.Matches(@"<rect x=""[\d.]+"" y=""[\d.]+"" width=""28"" height=""12"" fill=""#1f77b4""/>", legend);
    }

    [Fact]
    public void Coinciding_curves_are_said_to_coincide_and_differing_ones_are_not()
    {
        IReadOnlyList<(double, double)> curve = [(1, 0.5), (2, 0.25), (3, 0.125)];
        var same = SvgChart.Lines("loss", "epoch", "loss", [new("engine train", curve), new("reference train", curve)]);
        var apart = SvgChart.Lines("loss", "epoch", "loss", [new("engine train", curve), new("reference train", [(1, 0.5), (2, 0.3), (3, 0.125)])]);

        Assert.Contains(">reference train = engine train</text>", same);
        Assert.Contains("class=\"coincide\"", same);
        Assert.DoesNotContain(" = ", apart);
        Assert.DoesNotContain("class=\"coincide\"", apart);
    }
}
