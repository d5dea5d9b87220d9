using MathNet.Numerics.Statistics;

namespace Parity.Harness.Benchmarks;

/// <summary>How long a phase took over the timed steps: the median and the quartiles, in milliseconds.</summary>
public sealed record PhaseTiming(double MedianMs, double LowerQuartileMs, double UpperQuartileMs)
{
    public double IqrMs => UpperQuartileMs - LowerQuartileMs;

    public static PhaseTiming Of(ReadOnlySpan<double> milliseconds)
    {
        if (milliseconds.IsEmpty)
            throw new ArgumentException("no samples to summarise");
        var sorted = milliseconds.ToArray();
        Array.Sort(sorted);
        return new PhaseTiming(SortedArrayStatistics.Median(sorted), SortedArrayStatistics.LowerQuartile(sorted), SortedArrayStatistics.UpperQuartile(sorted));
    }
}

/// <summary>
/// One backend's figures on one spec: each phase's timing (null when only whole steps were timed), the
/// managed bytes it allocated per step (null for an engine outside Parity's process), the GFLOP/s of its
/// training step, and where the times come from.
/// </summary>
public sealed record BackendTiming(
    string Backend,
    PhaseTiming? Forward,
    PhaseTiming? Backward,
    PhaseTiming? Step,
    PhaseTiming TrainStep,
    double? AllocBytesPerStep,
    double Gflops,
    int Repetitions,
    bool Stable,
    TimingSource Source);
