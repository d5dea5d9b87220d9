using System.Globalization;
using Parity.Harness.Benchmarks;
using Spectre.Console;

namespace Parity.Cli.Output;

/// <summary>A spec's benchmark as <c>parity bench</c> prints it: each phase of both sides, the targets, the sweep.</summary>
public static class BenchOutput
{
    /// <summary>
    /// A spec timed side by side on <paramref name="threads"/>, printed with each side at its best and the
    /// product peak (<paramref name="runtime"/>, parity bench's), its targets (and its sweep), closing with
    /// <c>passed</c> or <c>failed</c> and <paramref name="closing"/>.
    /// </summary>
    public static void Print(IAnsiConsole console, BenchmarkResult result, SideThreads threads, IReadOnlyList<TargetResult> targets, SweepResult? sweep, string closing, RuntimeResult? runtime = null)
    {
        var (engine, twin) = (result.Engine, result.Twin);
        var table = new Table()
            .Title($"{result.Spec.Name} · {result.Spec.DType.ToString().ToLowerInvariant()} · batch {result.Rows} · {threads}")
            .Caption($"median ms (interquartile range) over {engine.Repetitions} engine and {twin.Repetitions} TorchSharp steps")
            .AddColumns("phase", "engine", "TorchSharp", "engine / TorchSharp");
        foreach (var (phase, e, t) in new[] { ("forward", engine.Forward, twin.Forward), ("backward", engine.Backward, twin.Backward), ("step", engine.Step, twin.Step), ("train step", engine.TrainStep, twin.TrainStep) })
            table.AddRow(phase, Ms(e), Ms(t), e is null || t is null ? "–" : Ratio(e.MedianMs / t.MedianMs));
        table.AddRow("GFLOP/s", Number(engine.Gflops), Number(twin.Gflops), "");
        table.AddRow("bytes allocated per step", Number(engine.AllocBytesPerStep), Number(twin.AllocBytesPerStep), "");
        console.Write(table);

        if (engine.Source == TimingSource.Engine)
            console.MarkupLine($"  {Markup.Escape(engine.Backend)}: each phase timed by the engine itself (time_phases)");
        if (engine.Source == TimingSource.TrainStep)
            console.MarkupLine($"  [yellow]![/] {Markup.Escape(engine.Backend)} cannot be timed phase by phase: whole training steps timed from Parity, "
                + "including the handing over of the batch (for an engine in another process, the protocol's encoding and pipe)");
        foreach (var (side, timing) in new[] { ("engine", engine), ("TorchSharp", twin) })
            if (!timing.Stable)
                console.MarkupLine($"  [yellow]![/] {side}: the median still moved by more than {BenchmarkOptions.StableWithin:P0} in the last round; the machine may be busy");
        if (runtime is not null)
            PrintBest(console, runtime);
        foreach (var target in targets)
            console.MarkupLine($"  {(target.Passed ? "[green]✓[/]" : "[red]✗[/]")} {Markup.Escape(TargetText(target, runtime is not null))}");

        if (sweep is not null)
        {
            var sweepTable = new Table().Title($"{result.Spec.Name}: train step by {sweep.Parameter.ToString().ToLowerInvariant()}")
                .AddColumns(sweep.Parameter.ToString().ToLowerInvariant(), "engine ms", "TorchSharp ms", "engine / TorchSharp", "engine GFLOP/s", "TorchSharp GFLOP/s");
            foreach (var point in sweep.Points)
                sweepTable.AddRow(point.Value.ToString(CultureInfo.InvariantCulture), Number(point.Result.Engine.TrainStep.MedianMs), Number(point.Result.Twin.TrainStep.MedianMs),
                    Ratio(point.Result.Ratio), Number(point.Result.Engine.Gflops), Number(point.Result.Twin.Gflops));
            console.Write(sweepTable);
            console.MarkupLine($"  growth exponent k of t ≈ c·{sweep.Parameter.ToString().ToLowerInvariant()}ᵏ: engine {Number(sweep.EngineExponent)}, TorchSharp {Number(sweep.TwinExponent)}");
        }
        var passed = targets.All(t => t.Passed);
        console.MarkupLine(passed ? $"[green]passed[/] {Markup.Escape(closing)}" : $"[red]failed[/] {Markup.Escape(closing)}");
        console.WriteLine();
    }

    static void PrintBest(IAnsiConsole console, RuntimeResult runtime)
    {
        var (engine, reference, peak) = (runtime.Engine.Best, runtime.Reference.Best, runtime.Peak);
        var rounds = runtime.Rounds.Count > 1 ? $" (the round of median ratio of {runtime.Rounds.Count} that alternate the sides; ratios {string.Join(", ", runtime.Rounds.Select(r => Ratio(r.Ratio)))})" : "";
        console.MarkupLine(Markup.Escape($"  at its best, alone{rounds}: engine {Number(engine.Timing.TrainStep.MedianMs)} ms on {Threads(engine.Threads)} ({ByThreads(runtime.Engine)}); "
            + $"TorchSharp in a process of its own with its defaults {Number(reference.Timing.TrainStep.MedianMs)} ms on {Threads(reference.Threads)} ({ByThreads(runtime.Reference)}); "
            + $"engine / TorchSharp {Ratio(runtime.Ratio)}"));
        console.MarkupLine(Markup.Escape($"  {peak.DType} product peak ({peak.Size}² on {Threads(peak.Threads)}, {peak.Kernel}): {Number(peak.Gflops)} GFLOP/s; "
            + $"the step at its best uses {runtime.EngineOfPeak:P0} of it in the engine, {runtime.ReferenceOfPeak:P0} in TorchSharp"));
    }

    static string ByThreads(AtBest sides) => string.Join(", ", sides.Counts.Select(c => $"{Number(c.Timing.TrainStep.MedianMs)} ms on {c.Threads}"));

    static string Threads(int n) => n == 1 ? "1 thread" : $"{n} threads";

    static string TargetText(TargetResult target, bool bestRatio) => target.Name switch
    {
        BenchTargets.MaxRatio => $"engine / TorchSharp train step{(bestRatio ? ", each at its best," : "")} {Number(target.Measured)} (target ≤ {Number(target.Limit)})",
        BenchTargets.MaxAllocBytes => $"engine allocates {Number(target.Measured)} bytes per step (target ≤ {Number(target.Limit)})",
        _ => $"{target.Name}: {Number(target.Measured)} (target ≤ {Number(target.Limit)})",
    };

    static string Ms(PhaseTiming? timing) => timing is null ? "–" : $"{Number(timing.MedianMs)} ({Number(timing.IqrMs)})";

    static string Ratio(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    static string Number(double? value) => value?.ToString("G4", CultureInfo.InvariantCulture) ?? "–";
}
