using System.Globalization;
using System.Text;
using Parity.Harness.Benchmarks;
using Parity.Spec;

namespace Parity.Cli.Output;

/// <summary>
/// The Markdown runtime table of a <c>parity bench</c> run: each workload's training step on each side at its
/// best, their ratio (the headline, which the targets judge), the side-by-side ratio, and the engine's share
/// of the machine's product peak.
/// </summary>
public static class RuntimeTable
{
    // How many times each side was timed alone: rounds that alternate the sides, or once (--repetitions).
    static string Rounds(IReadOnlyList<(RuntimeResult Result, IReadOnlyList<TargetResult> Targets)> runs) =>
        runs.Count > 0 && runs[0].Result.Rounds.Count is var rounds and > 1 ? $", in {rounds} rounds that alternate the engine and the reference, each side shown from the round whose ratio is the median (the lowest and the highest round's ratio in brackets after it: how far the machine moved it within the run)" : "";

    public static string Markdown(IReadOnlyList<(RuntimeResult Result, IReadOnlyList<TargetResult> Targets)> runs, MachineReport machine)
    {
        var text = new StringBuilder();
        text.Append(string.Create(CultureInfo.InvariantCulture,
            $"Measured on {machine.Cpu} ({machine.Cores} cores, one-minute load average {machine.LoadAverage:F2} at the start), the engine's products by {Blas(machine)}; medians (interquartile range) in ms of the full training step (zero grad, forward, loss, backward, optimizer step) on one resident batch. Each side is timed alone at every thread count from 1 to {machine.Cores}{Rounds(runs)}, at its fastest thread count: "));
        text.AppendLine("the engine in Parity's process, TorchSharp in a process of its own with its own defaults (none of Parity's waiting policies, no OpenMP or OpenBLAS variables; only freed memory kept in the heap, as Parity keeps it, and every method compiled fully optimized at once). "
            + $"*Side by side* is the ratio with both in one process taking turns, on the threads check and train give each side of the spec (engine/reference; lockstep training takes a step of {StepThreads.ManyOperationsToOverlap / 1_000_000} MFLOP or more on both sides at once). "
            + $"*Of peak* is the engine's GFLOP/s at its best over the fastest products of the spec's dtype on all cores: {(machine.PackedForAll ? "the engine's own kernel" : "OpenBLAS")} on a {GemmPeak.SquareSize}² product{(machine.PackedKernel ? $", the engine's own kernel with one {GemmPeak.SquareSize}² product on each core" : "")} or TorchSharp's oneMKL on a {GemmPeak.SquareSize}² product, whichever is fastest.");
        text.AppendLine();
        text.AppendLine("| workload | model | dtype | batch | engine ms · threads | TorchSharp alone ms · threads | engine / TorchSharp | side by side · threads | engine GFLOP/s | of peak (peak GFLOP/s) | engine bytes per step | targets |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (result, targets) in runs)
        {
            var (side, engine, reference) = (result.SideBySide, result.Engine.Best, result.Reference.Best);
            var spec = side.Spec;
            var model = Model(spec);
            var dtype = spec.DType.ToString().ToLowerInvariant();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| `{spec.Name}` | {model} | {dtype} | {side.Rows} | {Ms(engine)} | {Ms(reference)} | {Ratio(result)} | {side.Ratio:F2} · {result.SideBySideThreads.Engine}/{result.SideBySideThreads.Reference} | {engine.Timing.Gflops:F1} | {result.EngineOfPeak:P0} ({result.Peak.Gflops:F0}) | {side.Engine.AllocBytesPerStep?.ToString("0.#", CultureInfo.InvariantCulture) ?? "–"} | {Targets(targets)} |"));
        }
        return text.ToString();
    }

    /// <summary>
    /// The workload's model in a few words: an MLP by its widths (2-25-25-25-1), a CNN or a transformer by its
    /// convolutions or attention blocks and its parameters. Their dense widths alone would read as an MLP over
    /// the flattened features (1568-128-10), or over a whole sequence's logits.
    /// </summary>
    public static string Model(ParitySpec spec)
    {
        var kinds = spec.Model.OfType<OpLayer>().Select(layer => layer.Keyword).ToList();
        var (attention, convolutions) = (kinds.Count(k => k == "causal-self-attention"), kinds.Count(k => k == "conv2d"));
        var parameters = FlopCount.ParameterCount(spec);
        var count = parameters >= 1_000_000 ? FormattableString.Invariant($"{parameters / 1e6:0.##}M")
            : parameters >= 1_000 ? FormattableString.Invariant($"{parameters / 1e3:0.#}k") : $"{parameters}";
        return attention > 0 ? $"transformer: {attention} attention blocks, {count} parameters"
            : convolutions > 0 ? $"CNN: {convolutions} convolutions, {count} parameters"
            : string.Join('-', spec.LinearLayers.Select(l => l.In).Append(spec.OutputWidth));
    }

    /// <summary>
    /// The engine's products, which bound the product-heavy rows, so the caption names what made them: OpenBLAS's
    /// kernels differ several-fold (a 1024² float64 product on one thread of this project's AVX-512 Xeon: 12–14
    /// GFLOP/s with the SSE kernel Debian's OpenBLAS fell back to, 64–68 with SkylakeX).
    /// </summary>
    static string Blas(MachineReport machine) => machine.Blas != "openblas"
        ? "MathNet's managed products"
        : machine.PackedForAll
            ? $"its own 512-bit kernel on every product (OpenBLAS's {machine.BlasKernel} kernel, an SSE one, is several times slower)"
        : machine.PackedKernel
            ? $"its own 512-bit kernel on one thread (a row-split part's products, all of them on one thread) and {OpenBlas(machine, "on the rest ")}"
            : OpenBlas(machine, "");

    static string OpenBlas(MachineReport machine, string which) =>
        $"OpenBLAS with its {machine.BlasKernel} kernel {which}(Parity names it by the CPU's vector instructions unless OPENBLAS_CORETYPE names one)";

    /// <summary>The headline ratio, and with more than one round, the range of the rounds' ratios: a target missed or met within that range is the machine's draw as much as the engine's.</summary>
    static string Ratio(RuntimeResult result) => result.Rounds.Count > 1
        ? string.Create(CultureInfo.InvariantCulture, $"{result.Ratio:F2} ({result.RatioRange.Lowest:F2}–{result.RatioRange.Highest:F2})")
        : string.Create(CultureInfo.InvariantCulture, $"{result.Ratio:F2}");

    static string Ms(ThreadTiming best) => string.Create(CultureInfo.InvariantCulture, $"{best.Timing.TrainStep.MedianMs:0.000} ({best.Timing.TrainStep.IqrMs:0.000}) · {best.Threads}");

    static string Targets(IReadOnlyList<TargetResult> targets) => targets.Count == 0 ? "–" : string.Join(", ", targets.Select(t =>
        string.Create(CultureInfo.InvariantCulture, $"{(t.Passed ? "✅" : "❌")} {(t.Name == BenchTargets.MaxRatio ? "ratio" : "bytes")} ≤ {t.Limit:G4}")));
}
