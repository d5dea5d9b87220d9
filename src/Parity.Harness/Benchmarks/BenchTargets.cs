using Parity.Spec;

namespace Parity.Harness.Benchmarks;

/// <summary>One target a spec's <c>bench</c> block sets, and what was measured against it.</summary>
public sealed record TargetResult(string Name, double Limit, double Measured, bool Passed);

/// <summary>
/// Judges a benchmark against the spec's targets: the engine/TorchSharp ratio of the training step (parity
/// bench's, each side at its best; a report's, side by side), and the engine's managed bytes per step where
/// they were counted (an engine in Parity's process).
/// </summary>
public static class BenchTargets
{
    public const string MaxRatio = "max_ratio", MaxAllocBytes = "max_alloc_bytes";

    /// <summary>The side-by-side ratio's targets (a report's glance at the runtime).</summary>
    public static IReadOnlyList<TargetResult> Check(BenchmarkResult result) => Check(result.Spec, result.Ratio, result.Engine.AllocBytesPerStep);

    public static IReadOnlyList<TargetResult> Check(ParitySpec spec, double measuredRatio, double? allocBytesPerStep)
    {
        var targets = new List<TargetResult>();
        if (spec.Bench?.MaxRatio is { } ratio)
            targets.Add(new TargetResult(MaxRatio, ratio, measuredRatio, measuredRatio <= ratio));
        if (spec.Bench?.MaxAllocBytes is { } bytes && allocBytesPerStep is { } allocated)
            targets.Add(new TargetResult(MaxAllocBytes, bytes, allocated, allocated <= bytes));
        return targets;
    }
}
