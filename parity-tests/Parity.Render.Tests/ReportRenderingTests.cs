using Microsoft.Playwright;

namespace Parity.Render.Tests;

/// <summary>
/// The HTML reports as a reader sees them, in a real browser: every chart is drawn (its axes, each
/// series with a visible extent, a legend entry per series), the page logs no console error, and a
/// failing report puts the culprit first.
/// </summary>
public class ReportRenderingTests(Chromium chromium, ReportPages pages) : IClassFixture<Chromium>, IClassFixture<ReportPages>
{
    /// <summary>Opens a page and collects what the browser reports against it: console errors and failed loads.</summary>
    async Task<(IPage Page, List<string> Errors)> Open(string file)
    {
        var page = await chromium.Browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add(message.Text);
        };
        page.PageError += (_, error) => errors.Add(error);
        page.RequestFailed += (_, request) => errors.Add($"{request.Url}: {request.Failure}");
        var response = await page.GotoAsync(new Uri(file).AbsoluteUri);
        Assert.NotNull(response);
        return (page, errors);
    }

    public static TheoryData<string> Reports => new() { "passing", "failing" };

    /// <summary>The error collector itself, on a planted page: what it would catch in a report.</summary>
    [Fact]
    public async Task A_console_error_or_a_missing_resource_on_a_page_is_caught()
    {
        var planted = Path.Combine(pages.Passing, "planted.html");
        File.WriteAllText(planted, "<!DOCTYPE html><html><body><script>console.error('planted')</script><img src=\"missing.png\"></body></html>");

        var (page, errors) = await Open(planted);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Contains("planted", errors);
        Assert.Contains(errors, e => e.Contains("missing.png", StringComparison.Ordinal));
        await page.CloseAsync();
    }

    [Theory]
    [MemberData(nameof(Reports))]
    public async Task Every_chart_is_drawn_with_axes_series_and_a_legend(string which)
    {
        var (page, errors) = await Open(Path.Combine(which == "passing" ? pages.Passing : pages.Failing, ReportPages.Spec, "report.html"));

        var charts = page.Locator("svg.chart:not(.empty)");
        Assert.True(await charts.CountAsync() >= 3, $"{await charts.CountAsync()} charts drawn");
        foreach (var chart in await charts.AllAsync())
        {
            var title = await chart.Locator("title").First.TextContentAsync();
            Assert.True(await chart.Locator(".axis line").CountAsync() >= 2, $"{title}: no axes");
            var series = chart.Locator(".series");
            Assert.True(await series.CountAsync() >= 1, $"{title}: no series");
            foreach (var drawn in await series.AllAsync())
            {
                var box = await drawn.BoundingBoxAsync();
                Assert.True(box is { Width: > 0 } || box is { Height: > 0 }, $"{title}: a series with no extent on screen");
            }
            var legend = await chart.Locator(".legend text").CountAsync();
            var named = (await series.EvaluateAllAsync<string[]>("nodes => [...new Set(nodes.map(n => [...n.classList].find(c => /^series-\\d+$/.test(c))))]")).Length;
            Assert.True(legend >= named, $"{title}: {named} series but {legend} legend entries");
            Assert.True(await chart.IsVisibleAsync(), $"{title}: not visible");
        }
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_failing_report_shows_the_culprit_first()
    {
        var (page, errors) = await Open(Path.Combine(pages.Failing, ReportPages.Spec, "report.html"));

        var first = page.Locator("body > *:nth-child(2)");
        Assert.Equal("answer", await first.GetAttributeAsync("class"));
        var culprit = await page.Locator("section.answer .culprit").TextContentAsync();
        Assert.StartsWith("Culprit: only the bias gradients are wrong (0.bias, 2.bias)", culprit);
        // Above the fold: a reader sees it without scrolling.
        var box = await page.Locator("section.answer .culprit").BoundingBoxAsync();
        Assert.True(box is { Y: < 600 }, $"the culprit is {box?.Y} px down the page");
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_index_links_every_report_and_shows_the_failure()
    {
        var (page, errors) = await Open(Path.Combine(pages.Failing, "index.html"));

        var link = page.Locator($"a[href='{ReportPages.Spec}/report.html']");
        Assert.Equal(1, await link.CountAsync());
        Assert.Equal("failed", (await page.Locator("td.fail").First.TextContentAsync())?.Trim().Split(' ')[^1]);
        await link.ClickAsync();
        Assert.EndsWith($"{ReportPages.Spec}/report.html", page.Url);
        Assert.Empty(errors);
        await page.CloseAsync();
    }
}
