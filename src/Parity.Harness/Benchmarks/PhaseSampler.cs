using System.Diagnostics;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// Records a backend's training steps in rounds through its <see cref="IStepTimer"/>: each phase's
/// time per step, and the wall time of the rounds. Sample arrays are made up front: the timed loop
/// allocates nothing of its own.
/// </summary>
public sealed class PhaseSampler(IStepTimer timer, int capacity)
{
    readonly double[] _forward = new double[capacity], _backward = new double[capacity], _step = new double[capacity], _trainStep = new double[capacity];
    int _lastRoundStart;

    public int Count { get; private set; }

    public bool Full => Count == capacity;

    /// <summary>Total wall time of the recorded rounds, in seconds.</summary>
    public double Seconds { get; private set; }

    /// <summary>Runs and records up to <paramref name="steps"/> steps (fewer when the arrays are full).</summary>
    public void Record(int steps)
    {
        _lastRoundStart = Count;
        var n = Math.Min(steps, capacity - Count);
        var start = Stopwatch.GetTimestamp();
        timer.Run(_forward.AsSpan(Count, n), _backward.AsSpan(Count, n), _step.AsSpan(Count, n), _trainStep.AsSpan(Count, n));
        Seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        Count += n;
    }

    /// <summary>Whether the last call to <see cref="Record"/> moved the median training step by at most the fraction <paramref name="within"/>.</summary>
    public bool Stable(double within)
    {
        if (_lastRoundStart == 0 || _lastRoundStart == Count)
            return false;
        var before = PhaseTiming.Of(_trainStep.AsSpan(0, _lastRoundStart)).MedianMs;
        var after = PhaseTiming.Of(_trainStep.AsSpan(0, Count)).MedianMs;
        return Math.Abs(after - before) <= within * before;
    }

    public BackendTiming Summary(FlopCount flops, bool stable)
    {
        var trainStep = PhaseTiming.Of(_trainStep.AsSpan(0, Count));
        var apart = timer.Source != TimingSource.TrainStep;
        return new BackendTiming(
            timer.Backend.Name,
            apart ? PhaseTiming.Of(_forward.AsSpan(0, Count)) : null,
            apart ? PhaseTiming.Of(_backward.AsSpan(0, Count)) : null,
            apart ? PhaseTiming.Of(_step.AsSpan(0, Count)) : null,
            trainStep,
            timer.AllocBytesPerStep,
            flops.GflopsAt(trainStep.MedianMs),
            Count,
            stable,
            timer.Source);
    }
}
