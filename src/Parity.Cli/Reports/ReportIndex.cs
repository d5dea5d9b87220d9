using Parity.Cli.Output;
using System.Net;
using System.Text;

namespace Parity.Cli.Reports;

/// <summary>The index over a run's specs (README.md and index.html): pass/fail and the headline figures, linking each report.</summary>
public static class ReportIndex
{
    public static string Markdown(IReadOnlyList<SpecResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("# Parity reports").AppendLine();
        text.AppendLine($"{results.Count(r => r.Passed)} of {results.Count} specs passed. Each spec's report compares the engine under test, {Engines(results)}, with the reference, {References(results)}: gradients on the first batch, finite differences, and both trained in lockstep.").AppendLine();
        text.AppendLine("| spec | result | max gradient rel. error | finite differences (engine / twin) | lockstep verdict | test accuracy or loss (engine / twin) |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in results)
            text.AppendLine($"| [{r.Spec}]({r.Spec}/report.md) | {Figures.Mark(r.Passed)} | {Figures.Scientific(r.MaxGradientRelErr)} | {Figures.Scientific(r.Check.Gradcheck.Engine.MaxRelErr)} / {Figures.Scientific(r.Check.Gradcheck.Twin.MaxRelErr)} | {r.Train.Verdict.Split(':')[0]} | {Headline(r)} |");
        return text.ToString();
    }

    public static string Html(IReadOnlyList<SpecResult> results)
    {
        var rows = string.Concat(results.Select(r =>
            $"<tr><td><a href=\"{r.Spec}/report.html\">{WebUtility.HtmlEncode(r.Spec)}</a></td><td class=\"{(r.Passed ? "pass" : "fail")}\">{(r.Passed ? "passed" : "failed")}</td>"
            + $"<td>{Figures.Scientific(r.MaxGradientRelErr)}</td><td>{Figures.Scientific(r.Check.Gradcheck.Engine.MaxRelErr)} / {Figures.Scientific(r.Check.Gradcheck.Twin.MaxRelErr)}</td>"
            + $"<td>{WebUtility.HtmlEncode(r.Train.Verdict.Split(':')[0])}</td><td>{WebUtility.HtmlEncode(Headline(r))}</td></tr>"));
        return HtmlReport.Page("Parity reports",
            $"<h1>Parity reports</h1><p>{results.Count(r => r.Passed)} of {results.Count} specs passed. Engine under test: <strong>{WebUtility.HtmlEncode(Engines(results))}</strong> · reference: {WebUtility.HtmlEncode(References(results))}</p>"
            + "<table><tr><th>spec</th><th>result</th><th>max gradient rel. error</th><th>finite differences (engine / twin)</th><th>lockstep verdict</th><th>test accuracy or loss (engine / twin)</th></tr>"
            + rows + "</table>");
    }

    static string Engines(IReadOnlyList<SpecResult> results) => string.Join(", ", results.Select(r => r.Engine).Distinct());

    static string References(IReadOnlyList<SpecResult> results) => string.Join(", ", results.Select(r => r.Reference).Distinct());

    static string Headline(SpecResult r) => r.Last.Engine?.TestAccuracy is not null
        ? $"{Figures.Accuracy(r.Last.Engine?.TestAccuracy)} / {Figures.Accuracy(r.Last.Twin?.TestAccuracy)}"
        : $"{Figures.Loss(r.Last.Engine?.TestLoss)} / {Figures.Loss(r.Last.Twin?.TestLoss)}";
}
