using Parity.Harness;
using Parity.Cli.Output;
using System.Net;
using System.Text;

namespace Parity.Cli.Reports;

/// <summary>
/// The index over a run's specs (README.md and index.html): pass/fail and the headline figures, linking
/// each report; for the suite, also the example engines' failing reports with their diagnosis. Both
/// formats are written from the same rows.
/// </summary>
public static class ReportIndex
{
    static readonly string[] SpecColumns = ["spec", "result", "max gradient rel. error", "finite differences (engine / reference)", "lockstep verdict", "test accuracy or loss (engine / reference)"];

    static readonly string[] ExampleColumns = ["example engine", "planted bug", "spec", "result", "diagnosis"];

    const string ExamplesHeading = "Example engines with a planted bug";

    static string ExamplesIntro(IReadOnlyList<ExampleResult> examples) =>
        $"What a failing report looks like: each example engine of examples/ with its bug switched on, checked on one built-in spec. {examples.Count(e => e.Caught)} of {examples.Count} planted bugs were caught; the suite fails if one is not.";

    public static string Markdown(RunResult run, IReadOnlyList<SpecResult> results, IReadOnlyList<ExampleResult> examples)
    {
        var text = new StringBuilder();
        text.AppendLine("# Parity reports").AppendLine();
        text.AppendLine($"{Summary(run, results)} Each spec's report compares the engine under test, {MarkdownText.Inert(Engines(run, results))}, with the reference, {MarkdownText.Inert(References(run, results))}: gradients on the first batch, finite differences, and both trained in lockstep.").AppendLine();
        text.AppendTable(SpecColumns, results.Select(r => SpecRow(r, $"[{r.Spec}]({r.Spec}/report.md)")));
        if (examples.Count == 0)
            return text.ToString();
        text.AppendLine().AppendLine($"## {ExamplesHeading}").AppendLine().AppendLine(ExamplesIntro(examples)).AppendLine();
        text.AppendTable(ExampleColumns, examples.Select(e => ExampleRow(e, $"[{e.Result.Spec}]({e.Path}/report.md)", $"`{e.Example.Bug}`")));
        return text.ToString();
    }

    public static string Html(RunResult run, IReadOnlyList<SpecResult> results, IReadOnlyList<ExampleResult> examples)
    {
        var body = new StringBuilder();
        body.Append($"<h1>Parity reports</h1><p>{E(Summary(run, results))} Engine under test: <strong>{E(Engines(run, results))}</strong> · reference: {E(References(run, results))}</p>");
        HtmlTable(body, SpecColumns, results.Select(r => (r.Passed, SpecRow(r, $"<a href=\"{r.Spec}/report.html\">{E(r.Spec)}</a>"))));
        if (examples.Count > 0)
        {
            body.Append($"<h2>{ExamplesHeading}</h2><p>{E(ExamplesIntro(examples))}</p>");
            HtmlTable(body, ExampleColumns, examples.Select(e => (e.Caught, ExampleRow(e, $"<a href=\"{e.Path}/report.html\">{E(e.Result.Spec)}</a>", $"<code>{E(e.Example.Bug)}</code>", html: true))));
        }
        return HtmlReport.Page("Parity reports", body.ToString());
    }

    /// <summary>How many passed; for one shard of several, also which shard of how many reports it holds.</summary>
    static string Summary(RunResult run, IReadOnlyList<SpecResult> results) =>
        $"{results.Count(r => r.Passed)} of {results.Count} specs passed."
        + (run.Shard.Count == 1 ? "" : $" Shard {run.Shard} of a run of {run.Shard.Set.Count} reports: it holds {run.Specs.Count + run.Examples.Count} of them; parity merge joins the shards.");

    /// <summary>A spec's cells, the link already in the output's format; the figures need no escaping.</summary>
    static string[] SpecRow(SpecResult r, string link) =>
    [
        link, Figures.Mark(r.Passed), Figures.Scientific(r.MaxGradientRelErr),
        $"{Figures.Scientific(r.Check.Gradcheck.Engine.MaxRelErr)} / {Figures.Scientific(r.Check.Gradcheck.Twin.MaxRelErr)}",
        r.Train.Verdict.Split(':')[0], Headline(r),
    ];

    /// <summary>An example's cells; its result reads "failed as planted" when the bug was caught.</summary>
    static string[] ExampleRow(ExampleResult e, string link, string bug, bool html = false)
    {
        string Text(string s) => html ? E(s) : MarkdownText.Inert(s);
        return [Text(e.Result.Engine), bug, link, e.Caught ? "failed, as planted" : "passed: the bug was not caught", Text(e.Headline)];
    }

    /// <summary>The rows with a class that colours the result cell (the second) as a pass or a fail.</summary>
    static void HtmlTable(StringBuilder body, string[] columns, IEnumerable<(bool Good, string[] Cells)> rows)
    {
        body.Append("<table><tr>").Append(string.Concat(columns.Select(c => $"<th>{E(c)}</th>"))).Append("</tr>");
        foreach (var (good, cells) in rows)
            body.Append("<tr>").Append(string.Concat(cells.Select((c, i) => i == 1 ? $"<td class=\"{(good ? "pass" : "fail")}\">{c}</td>" : $"<td>{c}</td>"))).Append("</tr>");
        body.Append("</table>");
    }

    static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>The engines as each report names them (an engine in another process by its handshake too); the run's when it holds no report.</summary>
    static string Engines(RunResult run, IReadOnlyList<SpecResult> results) => results.Count == 0 ? run.Engine : string.Join(", ", results.Select(r => r.Engine).Distinct());

    static string References(RunResult run, IReadOnlyList<SpecResult> results) => results.Count == 0 ? run.Reference : string.Join(", ", results.Select(r => r.Reference).Distinct());

    static string Headline(SpecResult r) => r.Last.Engine?.TestAccuracy is not null
        ? $"{Figures.Accuracy(r.Last.Engine?.TestAccuracy)} / {Figures.Accuracy(r.Last.Twin?.TestAccuracy)}"
        : $"{Figures.Loss(r.Last.Engine?.TestLoss)} / {Figures.Loss(r.Last.Twin?.TestLoss)}";
}
