using Parity.Harness;
using Parity.Cli.Output;
using System.Globalization;
using System.Text;
using Parity.Harness.Training;
using Parity.Spec;

namespace Parity.Cli.Reports;

/// <summary>report.md: tables and Mermaid xychart curves, as GitHub renders them.</summary>
public static class MarkdownReport
{
    const int MaxPoints = 60;

    public static string Write(ReportDocument document)
    {
        var result = document.Result;
        var check = result.Check;
        var train = result.Train;
        var text = new StringBuilder();
        text.AppendLine($"# {result.Spec} — {Figures.Mark(result.Passed)}").AppendLine();
        if (document.Answer is { } answer)
        {
            text.AppendLine("## The answer").AppendLine();
            text.AppendLine($"**Culprit:** {answer.Culprit}").AppendLine();
            text.AppendTable(FailureAnswer.EvidenceColumns, answer.Evidence.Select(row => row.Select(MarkdownTable.Cell)));
            text.AppendLine().AppendLine($"**Reproduce:** `{answer.Reproduce}` {answer.Gives}.").AppendLine();
            text.AppendLine($"**Try:** {answer.Try}.").AppendLine();
        }
        if (document.Description.Length > 0)
            text.AppendLine(MarkdownText.Inert(document.Description)).AppendLine();
        text.AppendLine(MarkdownText.Inert(document.Setting)).AppendLine();
        text.AppendLine($"Engine under test: **{MarkdownText.Inert(result.Engine)}** · reference: {result.Reference}").AppendLine();

        text.AppendLine("## Summary").AppendLine();
        text.AppendLine("| check | result |").AppendLine("|---|---|");
        foreach (var verdict in document.Verdicts)
            text.AppendLine($"| {verdict.Label} | {Figures.Mark(verdict.Passed)}, {verdict.Detail} |");
        text.AppendLine($"| last epoch, engine / reference | {document.LastEpoch} |");
        text.AppendLine();

        if (document.Diagnosis.Count > 0)
        {
            text.AppendLine("## Diagnosis").AppendLine();
            foreach (var line in document.Diagnosis)
                text.AppendLine($"- {line}");
            text.AppendLine();
        }

        if (document.TeacherForcing is { } forcing)
        {
            text.AppendLine("## Teacher forcing").AppendLine();
            text.AppendLine(forcing.Text).AppendLine();
            if (forcing.Parts.Count > 0)
            {
                text.AppendLine("| step (epoch) | kind | tensor | max abs err | max rel err | at | engine / reference |").AppendLine("|---|---|---|---|---|---|---|");
                foreach (var p in forcing.Parts)
                    text.AppendLine($"| {p.Step} ({p.Epoch}) | {p.Kind} | `{p.Name}` | {Figures.Scientific(p.MaxAbsErr)} | {Figures.Scientific(p.MaxRelErr)} | {p.WorstIndex} | {Figures.Loss(p.Engine)} / {Figures.Loss(p.Reference)} |");
                text.AppendLine();
            }
        }

        text.AppendLine("## Per-layer re-sync").AppendLine();
        if (check.Resync.Available)
        {
            text.AppendLine(document.Resync).AppendLine();
            text.AppendTable(ReportDocument.ResyncColumns, document.ResyncRows.Select(row => row.Select(MarkdownTable.Cell)));
        }
        else
            text.AppendLine(document.Resync);
        text.AppendLine();

        text.AppendLine("## Gradient parity").AppendLine();
        text.AppendLine("| tensor | shape | max abs err | max rel err | ULP max / median | cosine | norm ratio | ok |").AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var d in check.Parameters.Append(check.InputGradient))
            text.AppendLine($"| `{d.Name}` | [{string.Join(", ", d.Shape)}] | {Figures.Scientific(d.MaxAbsErr)} | {Figures.Scientific(d.MaxRelErr)} | {Figures.Scientific(d.MaxUlp)} / {Figures.Scientific(d.MedianUlp)} | {d.Cosine.ToString("F9", CultureInfo.InvariantCulture)} | {d.NormRatio.ToString("F9", CultureInfo.InvariantCulture)} | {(d.Passed ? "✅" : "❌")} |");
        text.AppendLine();

        text.AppendLine("## Training curves").AppendLine();
        text.AppendLine("Each chart: the first line is the engine, the second TorchSharp (they coincide when the engines agree).").AppendLine();
        text.AppendLine($"Train figures are over the training rows, or over {Trainer.TrainEvaluationRows.ToString("N0", CultureInfo.InvariantCulture)} of them drawn once from the seed when there are more.").AppendLine();
        var epochs = Sample(train.Epochs);
        Chart(text, "Train loss per epoch", "loss", epochs.Select(e => e.Epoch), epochs.Select(e => e.Engine?.TrainLoss), epochs.Select(e => e.Twin?.TrainLoss));
        if (train.Epochs[^1].Engine?.TestAccuracy is not null)
            Chart(text, "Test accuracy per epoch", "accuracy", epochs.Select(e => e.Epoch), epochs.Select(e => e.Engine?.TestAccuracy), epochs.Select(e => e.Twin?.TestAccuracy));
        if (train.Steps is { Count: > 0 } steps)
        {
            var sampled = Sample(steps);
            Chart(text, "Largest parameter difference after each step", "max |engine − reference|", sampled.Select(s => s.Step), sampled.Select(s => (double?)s.ParamDrift));
            text.AppendLine($"Largest parameter difference over the run: {Figures.Scientific(train.MaxParamDrift ?? 0)}; largest relative loss difference: {Figures.Scientific(train.MaxLossDiff ?? 0)}.").AppendLine();
        }

        var bench = result.Bench;
        // Timings differ from run to run, and the machine from one checkout to another: they stand between
        // markers so comparisons can set them aside.
        text.AppendLine("## Runtime").AppendLine().AppendLine("<!-- timings -->");
        text.AppendLine(document.MadeOn).AppendLine();
        text.AppendLine($"Median milliseconds per phase at batch {bench.Batch} on {new Harness.Benchmarks.SideThreads(bench.Threads, bench.ReferenceThreads)} (engine / TorchSharp); ratio of the full training step {bench.Ratio.ToString("F3", CultureInfo.InvariantCulture)}.").AppendLine();
        text.AppendLine("| phase | engine | TorchSharp |").AppendLine("|---|---|---|");
        foreach (var (phase, e, t) in document.Phases)
            text.AppendLine($"| {phase} | {e.ToString("F4", CultureInfo.InvariantCulture)} | {t.ToString("F4", CultureInfo.InvariantCulture)} |");
        text.AppendLine("<!-- /timings -->").AppendLine();

        text.AppendLine("| epoch | train loss (engine / reference) | test loss | test accuracy |").AppendLine("|---|---|---|---|");
        foreach (var e in epochs)
            text.AppendLine($"| {e.Epoch} | {Figures.Loss(e.Engine?.TrainLoss)} / {Figures.Loss(e.Twin?.TrainLoss)} | {Figures.Loss(e.Engine?.TestLoss)} / {Figures.Loss(e.Twin?.TestLoss)} | {Figures.Accuracy(e.Engine?.TestAccuracy)} / {Figures.Accuracy(e.Twin?.TestAccuracy)} |");
        return text.ToString();
    }

    static void Chart(StringBuilder text, string title, string yLabel, IEnumerable<int> x, params IEnumerable<double?>[] lines)
    {
        var xs = x.ToList();
        text.AppendLine("```mermaid").AppendLine("xychart-beta");
        text.AppendLine($"    title \"{title}\"");
        text.AppendLine($"    x-axis [{string.Join(", ", xs)}]");
        text.AppendLine($"    y-axis \"{yLabel}\"");
        foreach (var line in lines)
            text.AppendLine($"    line [{string.Join(", ", line.Select(v => v is { } d && double.IsFinite(d) ? d.ToString("G6", CultureInfo.InvariantCulture) : "0"))}]");
        text.AppendLine("```").AppendLine();
    }

    static IReadOnlyList<T> Sample<T>(IReadOnlyList<T> rows) => Figures.Sample(rows, MaxPoints).ToList();
}
