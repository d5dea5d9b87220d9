using System.CommandLine;
using System.Text;
using Parity.Cli.Output;
using Parity.Spec;
using Spectre.Console;

namespace Parity.Cli.Reports;

/// <summary>
/// The regression verdict against a baseline, spec by spec: each regression printed and the Markdown
/// summary appended to GitHub's job summary. <c>parity check --baseline</c> judges the results it
/// computes, <c>parity merge --baseline</c> those its shards computed.
/// </summary>
public sealed class RegressionCheck(Baseline baseline, double factor, double margin, IAnsiConsole console)
{
    readonly StringBuilder summary = new("# Parity regression check\n\n| spec | result |\n|---|---|\n");

    public bool Failed { get; private set; }

    /// <summary>Refuses, before any work, a baseline of another engine or one without some of the specs.</summary>
    public void CheckCovers(string engine, IEnumerable<string> specs)
    {
        if (baseline.Engine != engine)
            throw new InputException($"the baseline holds the figures of {baseline.Engine}, and this run checks {engine}; record a baseline for it with parity baseline --engine");
        if (specs.FirstOrDefault(spec => baseline.Specs.All(b => b.Spec != spec)) is { } missing)
            throw new InputException($"the baseline has no spec named '{missing}'; record it again with parity baseline");
    }

    public void Judge(SpecResult result)
    {
        var problems = BaselineComparison.Regressions(baseline.Specs.First(b => b.Spec == result.Spec), result, factor, margin).ToList();
        if (!result.Passed)
            problems.Insert(0, "the spec's own checks fail");
        Failed |= problems.Count > 0;
        foreach (var problem in problems)
            console.MarkupLine($"[red]regression[/] {Markup.Escape(result.Spec)}: {Markup.Escape(problem)}");
        if (problems.Count == 0)
            console.MarkupLine($"[green]no regression[/] {Markup.Escape(result.Spec)}");
        summary.AppendLine($"| {result.Spec} | {(problems.Count == 0 ? "✅ no regression" : "❌ " + string.Join("; ", problems))} |");
    }

    public int Publish()
    {
        StepSummary.Append(summary.ToString());
        return Failed ? ParityCommandLine.Failed : ParityCommandLine.Passed;
    }

    public static Option<double> FactorOption() => NumberOption.Create("--factor", "With --baseline: how many times a gradient error may grow",
        (double f) => f is >= 1 and <= 1e12, "--factor takes a number of at least 1, e.g. 10", fallback: 10);

    public static Option<double> MarginOption() => NumberOption.Create("--margin", "With --baseline: how much worse the runtime ratio engine/TorchSharp may get, e.g. 0.25 for 25 %",
        (double m) => m is > 0 and <= 100, "--margin takes a fraction greater than 0, e.g. 0.25", fallback: BaselineComparison.DefaultMargin);
}
