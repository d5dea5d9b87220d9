using Parity.Spec;

namespace Parity.Harness.Benchmarks;

/// <summary>One target a spec's <c>bench</c> block sets, and what was measured against it.</summary>
public sealed record TargetResult(string Name, double Limit, double Measured, bool Passed);

/// <summary>
/// Judges a benchmark against the spec's targets: the engine/TorchSharp ratio of the training step, and
/// the engine's managed bytes per step where they were counted (an engine in Parity's process).
/// </summary>
public static class BenchTargets
{
    public const string MaxRatio = "max_ratio", MaxAllocBytes = "max_alloc_bytes";

    public static IReadOnlyList<TargetResult> Check(BenchmarkResult result)
    {
        var targets = new List<TargetResult>();
        if (result.Spec.Bench?.MaxRatio is { } ratio)
            targets.Add(new TargetResult(MaxRatio, ratio, result.Ratio, result.Ratio <= ratio));
        if (result.Spec.Bench?.MaxAllocBytes is { } bytes && result.Engine.AllocBytesPerStep is { } allocated)
            targets.Add(new TargetResult(MaxAllocBytes, bytes, allocated, allocated <= bytes));
        return targets;
    }
}
