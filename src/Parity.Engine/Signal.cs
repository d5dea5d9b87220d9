using System.Diagnostics;

namespace Parity.Engine;

/// <summary>
/// A one-shot signal that resets itself: Wait spins for up to 50 µs — within a step the next phase
/// follows in microseconds — then sleeps until Set, so an idle engine leaves the cores to others
/// (libtorch, in lockstep training and the benchmark).
/// </summary>
sealed class Signal
{
    static readonly long SpinTicks = Stopwatch.Frequency / 20_000;
    readonly object _lock = new();
    volatile bool _set;

    public void Set()
    {
        lock (_lock)
        {
            _set = true;
            Monitor.Pulse(_lock);
        }
    }

    public void Wait()
    {
        var deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (!_set && Stopwatch.GetTimestamp() < deadline)
            Thread.SpinWait(16);
        if (!_set)
            lock (_lock)
                while (!_set)
                    Monitor.Wait(_lock);
        _set = false;
    }
}
