using Parity.Harness;
using Parity.Cli.Output;
using System.Text.Json;
using Parity.Spec;

namespace Parity.Cli.Reports;

/// <summary>The figures a regression check compares against (<c>parity baseline</c>): the engine they were recorded for, and per spec its figures.</summary>
/// <remarks><c>Shard</c> says which part of which set of specs it holds (<c>parity baseline --shard</c>, joined by <c>parity merge</c>); baselines recorded before sharding hold none.</remarks>
public sealed record Baseline(string Engine, IReadOnlyList<BaselineSpec> Specs, Sharding.ShardRecord? Shard = null)
{
    public static Baseline Read(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"{path}: no such baseline; record one with: parity baseline SPEC|DIR --out {path}");
        try
        {
            var baseline = JsonSerializer.Deserialize<Baseline>(File.ReadAllText(path), Output.Json.Options)
                ?? throw new InputException($"{path}: empty baseline; record it again with parity baseline");
            // Baselines from before engines were named hold no engine: whose figures they are is unknown.
            return baseline.Engine is null
                ? throw new InputException($"{path}: the baseline does not name the engine it was recorded for; record it again with parity baseline")
                : baseline;
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}: not a Parity baseline ({e.Message}); record it again with parity baseline");
        }
    }
}

/// <summary>A spec's recorded figures: each gradient's max relative error against TorchSharp, the engine's finite-difference error, the curve verdict.</summary>
public sealed record BaselineSpec(string Spec, string Dtype, IReadOnlyDictionary<string, double> Gradients, double Gradcheck, string Verdict, double? Ratio = null)
{
    public static BaselineSpec From(SpecResult result) => new(
        result.Spec, result.Check.Dtype,
        result.Check.Parameters.Append(result.Check.InputGradient).ToDictionary(p => p.Name, p => p.MaxRelErr),
        result.Check.Gradcheck.Engine.MaxRelErr,
        VerdictKind(result.Train.Verdict),
        result.Bench.Ratio);

    /// <summary>The verdict's kind ("identical up to rounding", "diverged at step 12 (epoch 1)" → "diverged", …), without its figures.</summary>
    public static string VerdictKind(string verdict) => verdict.Split(':')[0].Split(" at step")[0].Trim();
}

/// <summary>
/// Compares a run with its baseline: a gradient error grown by more than <c>factor</c> (errors below a
/// floor of 10 ε of the dtype count as the floor, so rounding noise never trips it), a finite-difference
/// error grown likewise, a changed curve verdict, or a runtime ratio (engine / TorchSharp) worse by more
/// than <c>margin</c>. Each regression is one sentence naming it.
/// </summary>
public static class BaselineComparison
{
    public const double DefaultMargin = 0.25;

    public static IReadOnlyList<string> Regressions(BaselineSpec baseline, SpecResult current, double factor, double margin = DefaultMargin)
    {
        var now = BaselineSpec.From(current);
        var floor = 10 * Harness.Training.RoundingBound.Epsilon(now.Dtype == "float32" ? DType.Float32 : DType.Float64);
        var regressions = new List<string>();
        foreach (var (name, error) in now.Gradients)
            if (baseline.Gradients.TryGetValue(name, out var before) && !(error <= factor * Math.Max(before, floor)))
                regressions.Add($"the gradient error of {name} grew from {Figures.Scientific(before)} to {Figures.Scientific(error)} (more than {factor}×)");
        if (!(now.Gradcheck <= factor * Math.Max(baseline.Gradcheck, 1e-6)))
            regressions.Add($"the engine's finite-difference error grew from {Figures.Scientific(baseline.Gradcheck)} to {Figures.Scientific(now.Gradcheck)} (more than {factor}×)");
        if (now.Verdict != baseline.Verdict)
            regressions.Add($"the curve verdict changed from \"{baseline.Verdict}\" to \"{now.Verdict}\"");
        if (baseline.Ratio is { } recordedRatio && now.Ratio is { } ratio && ratio > recordedRatio * (1 + margin))
            regressions.Add($"the runtime ratio engine/TorchSharp worsened from {recordedRatio.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)} to {ratio.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)} (more than {margin * 100:F0} %)");
        return regressions;
    }
}
