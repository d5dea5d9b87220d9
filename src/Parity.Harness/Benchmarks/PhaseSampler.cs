using System.Diagnostics;
using Parity.Spec;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// Runs training steps of one backend on its loaded batch and records each phase's time, and the
/// managed bytes allocated inside the backend's calls (this thread's counter, read around each call,
/// so that the sampler's own bookkeeping is never counted). Sample arrays are made up front: the
/// timed loop allocates nothing of its own.
/// </summary>
public sealed class PhaseSampler(IPhasedBackend backend, int capacity)
{
    readonly double[] _forward = new double[capacity], _backward = new double[capacity], _step = new double[capacity], _trainStep = new double[capacity];
    long _allocated;
    int _allocationSteps, _lastRoundStart;

    public IPhasedBackend Backend => backend;

    public int Count { get; private set; }

    public bool Full => Count == capacity;

    /// <summary>Total wall time of the recorded steps, in seconds.</summary>
    public double Seconds { get; private set; }

    /// <summary>Steps not recorded: the JIT, caches, TorchSharp's allocator and the thread pools settle.</summary>
    public static void WarmUp(IPhasedBackend backend, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            backend.Forward();
            backend.Backward();
            backend.Step();
        }
    }

    /// <summary>Runs and records up to <paramref name="steps"/> steps (fewer when the arrays are full).</summary>
    public void Record(int steps)
    {
        var ticks = 1000.0 / Stopwatch.Frequency;
        _lastRoundStart = Count;
        for (var i = 0; i < steps && Count < capacity; i++)
        {
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var t0 = Stopwatch.GetTimestamp();
            backend.Forward();
            var t1 = Stopwatch.GetTimestamp();
            backend.Backward();
            var t2 = Stopwatch.GetTimestamp();
            backend.Step();
            var t3 = Stopwatch.GetTimestamp();
            _allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            _allocationSteps++;
            (_forward[Count], _backward[Count], _step[Count], _trainStep[Count]) = ((t1 - t0) * ticks, (t2 - t1) * ticks, (t3 - t2) * ticks, (t3 - t0) * ticks);
            Seconds += (t3 - t0) * ticks / 1000;
            Count++;
        }
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

    public double AllocBytesPerStep => _allocationSteps == 0 ? 0 : (double)_allocated / _allocationSteps;

    public BackendTiming Summary(FlopCount flops, bool stable)
    {
        var trainStep = PhaseTiming.Of(_trainStep.AsSpan(0, Count));
        return new BackendTiming(
            backend.Name,
            PhaseTiming.Of(_forward.AsSpan(0, Count)),
            PhaseTiming.Of(_backward.AsSpan(0, Count)),
            PhaseTiming.Of(_step.AsSpan(0, Count)),
            trainStep,
            AllocBytesPerStep,
            flops.GflopsAt(trainStep.MedianMs),
            Count,
            stable);
    }
}
