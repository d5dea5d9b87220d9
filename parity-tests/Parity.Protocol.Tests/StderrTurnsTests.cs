using Parity.Protocol;

namespace Parity.Protocol.Tests;

/// <summary>
/// An engine's stderr is passed on only while nobody holds the turns lock: passing a line on allocates,
/// and Parity's twin holds that lock while it works, so no garbage collection starts from the stderr
/// thread in the middle of a twin's call.
/// </summary>
public class StderrTurnsTests
{
    [Fact]
    public void A_line_on_stderr_waits_for_the_turns_lock_then_passes_on_prefixed_with_the_engines_name()
    {
        var (turns, log) = (new object(), new StringWriter());
        Monitor.Enter(turns);
        // The engine writes one line on stderr, then waits for its stdin to close.
        using (var engine = EngineProcess.Start("/bin/sh -c \"echo computing >&2; read request\"", TimeSpan.FromSeconds(60), log, turns))
        {
            // Ample time for the line to arrive and, were the lock not taken, to be passed on.
            Thread.Sleep(500);
            lock (log)
                Assert.Equal("", log.ToString());
            Monitor.Exit(turns);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(10) && !Passed(log))
                Thread.Sleep(20);
        }
        Assert.Equal($"[sh] computing{Environment.NewLine}", log.ToString());
    }

    static bool Passed(StringWriter log)
    {
        lock (log)
            return log.ToString().Length > 0;
    }
}
