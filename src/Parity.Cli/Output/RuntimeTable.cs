using System.Globalization;
using System.Text;
using Parity.Harness.Benchmarks;

namespace Parity.Cli.Output;

/// <summary>The Markdown runtime table of a <c>parity bench</c> run: each workload's training step on both engines, their ratio, and the targets.</summary>
public static class RuntimeTable
{
    public static string Markdown(IReadOnlyList<(BenchmarkResult Result, IReadOnlyList<TargetResult> Targets)> runs, Machine machine, int threads)
    {
        var text = new StringBuilder();
        var plural = threads == 1 ? "" : "s";
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Measured on {machine.Cpu} ({machine.Cores} cores, one-minute load average {machine.LoadAverage:F2} at the start), {threads} thread{plural} for TorchSharp and for OpenBLAS alike; medians (interquartile range) in ms of the full training step (zero grad, forward, loss, backward, SGD step) on one resident batch."));
        text.AppendLine();
        text.AppendLine("| workload | model | dtype | batch | engine ms | TorchSharp ms | engine / TorchSharp | engine GFLOP/s | engine bytes per step | targets |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (result, targets) in runs)
        {
            var spec = result.Spec;
            var model = string.Join('-', spec.LinearLayers.Select(l => l.In).Append(spec.OutputWidth));
            var dtype = spec.DType.ToString().ToLowerInvariant();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| `{spec.Name}` | {model} | {dtype} | {result.Rows} | {Ms(result.Engine.TrainStep)} | {Ms(result.Twin.TrainStep)} | {result.Ratio:F2} | {result.Engine.Gflops:F1} | {result.Engine.AllocBytesPerStep?.ToString("0.#", CultureInfo.InvariantCulture) ?? "–"} | {Targets(targets)} |"));
        }
        return text.ToString();
    }

    static string Ms(PhaseTiming timing) => string.Create(CultureInfo.InvariantCulture, $"{timing.MedianMs:0.000} ({timing.IqrMs:0.000})");

    static string Targets(IReadOnlyList<TargetResult> targets) => targets.Count == 0 ? "–" : string.Join(", ", targets.Select(t =>
        string.Create(CultureInfo.InvariantCulture, $"{(t.Passed ? "✅" : "❌")} {(t.Name == BenchTargets.MaxRatio ? "ratio" : "bytes")} ≤ {t.Limit:G4}")));
}
