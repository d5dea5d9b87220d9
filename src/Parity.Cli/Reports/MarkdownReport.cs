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

    public static string Write(ParitySpec spec, SpecResult result)
    {
        var check = result.Check;
        var train = result.Train;
        var text = new StringBuilder();
        text.AppendLine($"# {spec.Name} — {Figures.Mark(result.Passed)}").AppendLine();
        if (FailureAnswer.For(result, Path.GetFileName(spec.SourcePath)) is { } answer)
        {
            text.AppendLine("## The answer").AppendLine();
            text.AppendLine($"**Culprit:** {answer.Culprit}").AppendLine();
            text.AppendTable(FailureAnswer.EvidenceColumns, answer.Evidence.Select(row => row.Select(MarkdownTable.Cell)));
            text.AppendLine().AppendLine($"**Reproduce:** `{answer.Reproduce}` {answer.Gives}.").AppendLine();
            text.AppendLine($"**Try:** {answer.Try}.").AppendLine();
        }
        if (spec.Description.Length > 0)
            text.AppendLine(MarkdownText.Inert(spec.Description)).AppendLine();
        text.AppendLine($"{spec.DType.ToString().ToLowerInvariant()} · seed {spec.Seed} · {spec.Train.Epochs} epochs of batch {spec.Train.Batch}"
            + (spec.Expect.Reported is { } reported ? $" · the seed project reported: {MarkdownText.Inert(reported)}" : "")).AppendLine();
        text.AppendLine($"Engine under test: **{MarkdownText.Inert(result.Engine)}** · reference: {result.Reference}").AppendLine();

        text.AppendLine("## Summary").AppendLine();
        text.AppendLine("| check | result |").AppendLine("|---|---|");
        text.AppendLine($"| gradient parity (first batch, {check.BatchRows} rows) | {Figures.Mark(check.Parameters.All(p => p.Passed) && check.InputGradient.Passed && check.Loss.Passed)}, max relative error {Figures.Scientific(result.MaxGradientRelErr)} |");
        text.AppendLine($"| optimizer updates | {Figures.Mark(check.Updates.Passed)}, {check.Updates.StepsChecked} steps |");
        foreach (var (side, gradcheck) in new[] { ("engine", check.Gradcheck.Engine), ("twin", check.Gradcheck.Twin) })
            text.AppendLine($"| finite differences, {side} ({gradcheck.Mode}) | {Figures.Mark(gradcheck.Passed)}, {gradcheck.Describe()} |");
        text.AppendLine($"| lockstep training | {Figures.Mark(train.Passed)}: {train.Verdict} |");
        text.AppendLine($"| last epoch, engine / twin | test loss {Figures.Loss(result.Last.Engine?.TestLoss)} / {Figures.Loss(result.Last.Twin?.TestLoss)}, test accuracy {Figures.Accuracy(result.Last.Engine?.TestAccuracy)} / {Figures.Accuracy(result.Last.Twin?.TestAccuracy)} |");
        text.AppendLine();

        if (check.Diagnosis.Count > 0 || train.Failures.Count > 0)
        {
            text.AppendLine("## Diagnosis").AppendLine();
            foreach (var line in check.Diagnosis.Concat(train.Failures))
                text.AppendLine($"- {line}");
            text.AppendLine();
        }

        if (train.TeacherForcing is { } forcing)
        {
            text.AppendLine("## Teacher forcing").AppendLine();
            text.AppendLine($"The engine under test set to TorchSharp's parameters and optimizer state before each of {forcing.StepsForced} steps, so that each step's error is its own: {Figures.Mark(forcing.Passed)}, {forcing.Verdict}.").AppendLine();
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
            text.AppendLine("Each layer also run on TorchSharp's input and upstream gradient: its own error is its bug; the inherited error is what the end-to-end run adds, the drift of the layers around it. Only a layer with an own error is blamed.").AppendLine();
            text.AppendTable(ResyncColumns, check.Resync.Layers.Select(row => ResyncRow(row).Select(MarkdownTable.Cell)));
        }
        else
            text.AppendLine($"Not available: {check.Resync.Unavailable}.");
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
            Chart(text, "Largest parameter difference after each step", "max |engine − twin|", sampled.Select(s => s.Step), sampled.Select(s => (double?)s.ParamDrift));
            text.AppendLine($"Largest parameter difference over the run: {Figures.Scientific(train.MaxParamDrift ?? 0)}; largest relative loss difference: {Figures.Scientific(train.MaxLossDiff ?? 0)}.").AppendLine();
        }

        var bench = result.Bench;
        // Timings differ from run to run, and the machine from one checkout to another: they stand between
        // markers so comparisons can set them aside.
        text.AppendLine("## Runtime").AppendLine().AppendLine("<!-- timings -->");
        text.AppendLine($"{MadeOn(result.Machine)}").AppendLine();
        text.AppendLine($"Median milliseconds per phase at batch {bench.Batch} on {bench.Threads} threads (engine / TorchSharp); ratio of the full training step {bench.Ratio.ToString("F3", CultureInfo.InvariantCulture)}.").AppendLine();
        text.AppendLine("| phase | engine | TorchSharp |").AppendLine("|---|---|---|");
        foreach (var (phase, e, t) in Phases(bench))
            text.AppendLine($"| {phase} | {e.ToString("F4", CultureInfo.InvariantCulture)} | {t.ToString("F4", CultureInfo.InvariantCulture)} |");
        text.AppendLine("<!-- /timings -->").AppendLine();

        text.AppendLine("| epoch | train loss (engine / twin) | test loss | test accuracy |").AppendLine("|---|---|---|---|");
        foreach (var e in epochs)
            text.AppendLine($"| {e.Epoch} | {Figures.Loss(e.Engine?.TrainLoss)} / {Figures.Loss(e.Twin?.TrainLoss)} | {Figures.Loss(e.Engine?.TestLoss)} / {Figures.Loss(e.Twin?.TestLoss)} | {Figures.Accuracy(e.Engine?.TestAccuracy)} / {Figures.Accuracy(e.Twin?.TestAccuracy)} |");
        return text.ToString();
    }

    /// <summary>What made a report's last bits, and what follows for repeating it; report.md and report.html alike.</summary>
    public static string MadeOn(MachineReport machine) =>
        $"Made on {machine}. Run again with the same CPU features, BLAS kernel and threads, every figure repeats bit for bit; on another CPU or kernel, up to rounding: the verdicts hold, the last bits move.";

    /// <summary>The re-sync table's columns and one layer's cells, for report.md and report.html alike.</summary>
    public static readonly string[] ResyncColumns = ["layer", "own error (max abs)", "inherited error (max abs)", "verdict"];

    public static IEnumerable<string> ResyncRow(ResyncLayerReport row) =>
        [row.Layer.ToString(CultureInfo.InvariantCulture), Figures.Scientific(row.OwnError) + (row.WorstOwn is { } worst ? $" ({worst})" : ""), Figures.Scientific(row.InheritedError), row.Verdict];

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

    /// <summary>The phases both engines were timed in apart, and the whole training step.</summary>
    public static IEnumerable<(string Phase, double Engine, double Twin)> Phases(Output.BenchSpecReport bench) =>
        new (string Phase, double? Engine, double? Twin)[]
        {
            ("forward", bench.Engine.ForwardMs, bench.Twin.ForwardMs),
            ("backward", bench.Engine.BackwardMs, bench.Twin.BackwardMs),
            ("optimizer step", bench.Engine.StepMs, bench.Twin.StepMs),
            ("training step", bench.Engine.TrainStepMs, bench.Twin.TrainStepMs),
        }.Where(p => p.Engine is not null && p.Twin is not null).Select(p => (p.Phase, p.Engine!.Value, p.Twin!.Value));

    static IReadOnlyList<T> Sample<T>(IReadOnlyList<T> rows) => Figures.Sample(rows, MaxPoints).ToList();
}
