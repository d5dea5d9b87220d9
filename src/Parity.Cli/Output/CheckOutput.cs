using System.Globalization;
using Parity.Harness;
using Parity.Harness.Checks;
using Parity.Harness.Comparison;
using Parity.Harness.Training;
using Spectre.Console;

namespace Parity.Cli.Output;

/// <summary>A spec's check as <c>parity check</c> prints it: the gradient table, a line per check, the diagnosis.</summary>
public static class CheckOutput
{
    /// <summary>The check printed, closing with <c>passed</c> or <c>failed</c> and <paramref name="closing"/>.</summary>
    public static void Print(IAnsiConsole console, CheckResult result, string closing)
    {
        var spec = result.Spec;
        var g = result.Gradients;
        var table = new Table()
            .Title($"{spec.Name} · {spec.DType.ToString().ToLowerInvariant()} · first batch of epoch 1, {result.Batch.Rows} rows")
            .Caption("engine vs TorchSharp; relative error over nonzero reference elements; ULPs in the spec's dtype")
            .AddColumns("tensor", "shape", "max abs err", "max rel err", "ulp max / median", "cosine", "norm ratio", "ok");
        foreach (var d in g.Parameters.Prepend(g.Loss).Append(g.Input))
            table.AddRow(Markup.Escape(d.Name), Markup.Escape($"[{string.Join(", ", d.Shape)}]"), Figures.Scientific(d.MaxAbsErr), Figures.Scientific(d.MaxRelErr), $"{Figures.Scientific(d.MaxUlp)} / {Figures.Scientific(d.MedianUlp)}",
                d.Cosine.ToString("F9", CultureInfo.InvariantCulture), d.NormRatio.ToString("F9", CultureInfo.InvariantCulture), d.Passed ? "[green]yes[/]" : "[red]no[/]");
        console.Write(table);

        Line(console, g.LayerOutputs.All(d => d.Passed) && g.LayerOutputGradients.All(d => d.Passed),
            $"per layer: {g.LayerOutputs.Count(d => d.Passed)}/{g.LayerOutputs.Count} outputs and {g.LayerOutputGradients.Count(d => d.Passed)}/{g.LayerOutputGradients.Count} output gradients agree");
        if (g.Buffers.Count > 0)
            Line(console, g.Buffers.All(b => b.Difference.Passed),
                $"buffers: {g.Buffers.Count(b => b.Difference.Passed)}/{g.Buffers.Count} agree after the training forward ({string.Join(", ", g.Buffers.Select(b => b.Difference.Name))})");
        if (g.Evaluation is { Difference: { } evaluation })
            Line(console, evaluation.Passed, $"evaluation: the outputs in eval mode {(evaluation.Passed ? "agree" : "part")} (max rel err {Figures.Scientific(evaluation.MaxRelErr)})");
        Line(console, result.Resync.Blamed.Count == 0, Resync(result.Resync));
        if (g.Crossing is { } crossing)
            console.MarkupLine($"  [yellow]·[/] {Markup.Escape($"kinks: rounding put {crossing.Count} inputs of {crossing.Place} on another side of its kink (or another max-pool choice) than TorchSharp's forward did; the gradients below it are judged by re-sync")}");
        var gradients = result.Updates.Gradients == UpdateGradients.EngineGradients ? "TorchSharp's optimizer on the engine's gradients" : "each on its own gradients";
        Line(console, result.Updates.Passed, result.Updates.Passed
            ? $"updates: {result.Updates.Steps.Count} optimizer steps agree ({gradients})"
            : $"updates: step {result.Updates.FirstFailure!.Step} parts ({gradients})");
        foreach (var (check, side) in new[] { (result.EngineGradcheck, result.EngineGradcheck.Backend), (result.TwinGradcheck, Sides.Word(Sides.Twin)) })
            Line(console, check.Passed, $"gradcheck {side} (float64, {check.Mode}): {GradcheckReport.From(check).Describe()}");
        foreach (var line in result.Diagnosis)
            console.MarkupLine($"  [yellow]→[/] {Markup.Escape(line)}");
        console.MarkupLine(result.Passed ? $"[green]passed[/] {Markup.Escape(closing)}" : $"[red]failed[/] {Markup.Escape(closing)}");
        console.WriteLine();
    }

    /// <summary>Re-sync in one line: each layer by its path ("2.1" inside a residual block, the index outside), its own and inherited error; or why it was not available.</summary>
    static string Resync(LayerResyncResult resync) => resync.Available
        ? "re-sync (own / inherited max abs err): " + string.Join(", ", resync.Layers.Select(l => $"{l.Path} {Figures.Scientific(l.OwnError)} / {Figures.Scientific(l.InheritedError)} {l.Verdict}"))
        : $"re-sync not available: {resync.Unavailable}";

    static void Line(IAnsiConsole console, bool passed, string text) =>
        console.MarkupLine($"  {(passed ? "[green]✓[/]" : "[red]✗[/]")} {Markup.Escape(text)}");
}
