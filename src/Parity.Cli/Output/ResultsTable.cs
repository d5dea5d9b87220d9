using Parity.Harness;
using System.Globalization;
using System.Text;

namespace Parity.Cli.Output;

/// <summary>The Markdown results table of a <c>parity train</c> run: each workload, what its seed project reported, what each engine reached.</summary>
public static class ResultsTable
{
    public static string Markdown(IReadOnlyList<(Spec.ParitySpec Spec, TrainSpecReport Report)> runs)
    {
        var text = new StringBuilder();
        text.AppendLine("| workload | seed project reported | engine | reference | max loss difference (per step, relative) | verdict |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var (spec, report) in runs)
        {
            var last = report.Epochs[^1];
            text.AppendLine($"| `{spec.Name}` | {(spec.Expect.Reported is { } reported ? MarkdownText.Inert(reported) : "–")} | {Figure(spec, last.Engine)} | {Figure(spec, last.Twin)} | "
                + $"{(report.MaxLossDiff is { } d ? Figures.Scientific(d) : "–")} | {(report.Passed ? "✅" : "❌")} {Short(report.Verdict)} |");
        }
        return text.ToString();
    }

    static string Figure(Spec.ParitySpec spec, Harness.Training.EpochMetrics? side) => side switch
    {
        null => "–",
        { TestAccuracy: { } accuracy } => $"{accuracy.ToString("F4", CultureInfo.InvariantCulture)} test accuracy",
        { TestLoss: { } loss } => $"{loss.ToString("G4", CultureInfo.InvariantCulture)} test loss",
        _ => $"{side.TrainLoss.ToString("G4", CultureInfo.InvariantCulture)} train loss",
    };

    static string Short(string verdict) => verdict.Split(':')[0];
}
