using Parity.Harness.Benchmarks;

namespace Parity.TestSupport;

/// <summary>Timings made up for tests of the bench's arithmetic and tables: nothing here is measured.</summary>
public static class BenchTimings
{
    /// <summary>A backend whose training step took <paramref name="ms"/> in every one of 10 steps, at 1/ms GFLOP/s, its allocations uncounted.</summary>
    public static BackendTiming TrainStep(double ms) =>
        new("b", null, null, null, new PhaseTiming(ms, ms, ms), null, 1 / ms, 10, true, TimingSource.TrainStep);
}
