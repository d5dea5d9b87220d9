using System.Diagnostics;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// Times each phase around the engine's own call, on a batch it holds, and counts the managed bytes
/// allocated inside those calls (this thread's counter, read around each step, so that the timer's own
/// bookkeeping is never counted).
/// </summary>
public sealed class PhasedStepTimer : IStepTimer
{
    readonly IPhasedBackend _backend;
    long _allocated;
    int _steps;

    public PhasedStepTimer(IPhasedBackend backend, Batch batch)
    {
        _backend = backend;
        backend.Load(batch);
    }

    public IBackend Backend => _backend;

    public TimingSource Source => TimingSource.Phases;

    public double? AllocBytesPerStep => _steps == 0 ? 0 : (double)_allocated / _steps;

    public void Run(Span<double> forward, Span<double> backward, Span<double> step, Span<double> trainStep)
    {
        var ticks = 1000.0 / Stopwatch.Frequency;
        for (var i = 0; i < trainStep.Length; i++)
        {
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var t0 = Stopwatch.GetTimestamp();
            _backend.Forward();
            var t1 = Stopwatch.GetTimestamp();
            _backend.Backward();
            var t2 = Stopwatch.GetTimestamp();
            _backend.Step();
            var t3 = Stopwatch.GetTimestamp();
            _allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            _steps++;
            (forward[i], backward[i], step[i], trainStep[i]) = ((t1 - t0) * ticks, (t2 - t1) * ticks, (t3 - t2) * ticks, (t3 - t0) * ticks);
        }
    }

    public void WarmUp(int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            _backend.Forward();
            _backend.Backward();
            _backend.Step();
        }
    }
}
