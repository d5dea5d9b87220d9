namespace Parity.Engine.Tests;

/// <summary>
/// <see cref="Signal"/>, which hands every phase of a split step to the engine's other thread: a Set is never
/// lost, whether the waiter is still spinning or has gone to sleep, and a Set before the Wait is kept for it.
/// A lost one would hang the engine, so each test waits with a deadline and fails on it (a TimeoutException) instead.
/// </summary>
public class SignalTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_set_wakes_a_waiter_that_has_gone_to_sleep()
    {
        var signal = new Signal();
        var waiter = Task.Factory.StartNew(signal.Wait, TaskCreationOptions.LongRunning);
        // Long past the 50 µs spin: the waiter sleeps in the monitor, and only a pulse wakes it.
        Thread.Sleep(50);
        Assert.False(waiter.IsCompleted);
        signal.Set();
        await waiter.WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_set_before_the_wait_is_kept_for_it() =>
        await Task.Run(() =>
        {
            var signal = new Signal();
            signal.Set();
            signal.Wait();
        }).WaitAsync(Deadline);

    /// <summary>
    /// Two threads hand a turn back and forth, as the engine's threads do at every phase, a Set often landing as
    /// the other thread decides between spinning and sleeping: where one were lost, both would wait for ever. A hang
    /// is a deadline with no turn taken, not a deadline for them all: on a machine busy with other work each turn
    /// can cost a wake-up and a wait for a core (the test command's run took over 20 s for 100,000 turns).
    /// </summary>
    [Fact]
    public async Task Turns_handed_back_and_forth_are_never_lost()
    {
        const int turns = 20_000;
        var (ping, pong) = (new Signal(), new Signal());
        var taken = 0;
        var other = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < turns; i++)
            {
                ping.Wait();
                // Now and then the turn comes back late, so that the first thread has gone to sleep.
                if (i % 200 == 0)
                    Thread.Sleep(1);
                pong.Set();
            }
        }, TaskCreationOptions.LongRunning);
        var first = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < turns; i++)
            {
                ping.Set();
                pong.Wait();
                Volatile.Write(ref taken, i + 1);
            }
        }, TaskCreationOptions.LongRunning);
        var both = Task.WhenAll(first, other);
        for (var seen = -1; !both.IsCompleted; )
        {
            await Task.WhenAny(both, Task.Delay(Deadline));
            var now = Volatile.Read(ref taken);
            if (!both.IsCompleted && now == seen)
                throw new TimeoutException($"a turn was lost: no turn taken in {Deadline.TotalSeconds} s, after {now} of {turns}");
            seen = now;
        }
        await both;
    }
}
