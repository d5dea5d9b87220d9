using System.Diagnostics;

namespace Parity.Engine;

/// <summary>
/// A one-shot signal that resets itself: Wait spins for up to 50 µs — within a step the next phase
/// follows in microseconds — then sleeps until Set, so an idle engine leaves the cores to others
/// (libtorch, in lockstep training and the benchmark). Set takes the lock only when the waiter has gone
/// to sleep: a step of the disk MLP sets a signal at every phase, and taking the lock and pulsing each
/// time, with the waiter still spinning, was a twentieth of its main thread's time.
/// </summary>
public sealed class Signal
{
    static readonly long SpinTicks = Stopwatch.Frequency / 20_000;
    readonly object _lock = new();
    // 1 while set; 1 while the waiter sleeps (or is about to): written with full fences so that of a Set and a
    // Wait that cross, at least one sees the other's write — the waiter its signal, or the setter a sleeper to pulse.
    int _set, _sleeping;

    public void Set()
    {
        Interlocked.Exchange(ref _set, 1);
        if (Volatile.Read(ref _sleeping) == 0)
            return;
        lock (_lock)
            Monitor.Pulse(_lock);
    }

    public void Wait()
    {
        var deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (Volatile.Read(ref _set) == 0 && Stopwatch.GetTimestamp() < deadline)
            Thread.SpinWait(16);
        if (Volatile.Read(ref _set) == 0)
            lock (_lock)
            {
                Interlocked.Exchange(ref _sleeping, 1);
                while (Volatile.Read(ref _set) == 0)
                    Monitor.Wait(_lock);
                _sleeping = 0;
            }
        _set = 0;
    }
}
