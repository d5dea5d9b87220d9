namespace Parity.Protocol.Tests;

/// <summary>An engine's stderr line is passed on cut to its first 1,000 characters, saying how many more there were: Parity holds no more of it, however long it is.</summary>
public class StderrLineTests
{
    [Fact]
    public void A_long_stderr_line_is_cut_to_1000_characters_with_the_count_of_the_rest()
    {
        var log = new StringWriter();
        // 5,000 characters on one line, then the engine waits for its stdin to close.
        using (EngineProcess.Start("/bin/sh -c \"head -c 5000 /dev/zero | tr '\\\\0' E >&2; echo >&2; read request\"", TimeSpan.FromSeconds(60), log, new object()))
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(10) && Logged(log).Length == 0)
                Thread.Sleep(20);
        }
        Assert.Equal($"[sh] {new string('E', 1000)}… (4,000 more characters){Environment.NewLine}", Logged(log));
    }

    static string Logged(StringWriter log)
    {
        lock (log)
            return log.ToString();
    }
}
