using System.Diagnostics;
using System.Text;
using Parity.Tests.Shared;

namespace Parity.Protocol.Tests;

/// <summary>What a run of Parity in its own process came to, as the hostile-input catalogue judges it.</summary>
public sealed record WatchedRun(int? Exit, string Error, double Seconds, double PeakMiB, string? Stopped);

/// <summary>
/// Parity run as its own process in a folder, watched as a user would watch it: its exit code, its
/// stderr, the seconds it took (from the signals' delivery, for a run that is sent signals once a
/// line of its stderr holds a text, or after some seconds), and its peak resident memory — VmHWM in /proc/PID/status, read until it exits. A run that
/// passes its time or memory budget is killed there, so that a check that fails costs the machine no
/// more than the budget: <see cref="WatchedRun.Stopped"/> says why.
/// </summary>
public static class ParityUnderWatch
{
    /// <summary>How long a run that is to be sent signals may take to come to the line they wait for.</summary>
    const double SecondsBeforeSignals = 60;

    static readonly string ParityDll = Path.Combine(AppContext.BaseDirectory, "parity.dll");

    public static WatchedRun Run(string folder, string[] arguments, double seconds, double memoryMiB, string? signalOnLine = null, string[]? signals = null, double signalAfterSeconds = 0)
    {
        var start = InterruptibleParity.Start(ParityDll, arguments);
        start.WorkingDirectory = folder;
        using var parity = Process.Start(start)!;
        var output = parity.StandardOutput.ReadToEndAsync();
        var error = new StringBuilder();
        var ready = new ManualResetEventSlim(signalOnLine is null);
        var reader = Task.Run(() =>
        {
            string? line;
            while ((line = parity.StandardError.ReadLine()) is not null)
                lock (error)
                {
                    error.AppendLine(line);
                    if (signalOnLine is not null && line.Contains(signalOnLine))
                        ready.Set();
                }
        });
        var clock = Stopwatch.StartNew();
        var peak = 0.0;
        string? stopped = null;
        var signalled = false;
        while (!parity.HasExited)
        {
            peak = Math.Max(peak, PeakMiB(parity.Id));
            if (!signalled && ready.IsSet && clock.Elapsed.TotalSeconds >= signalAfterSeconds && signals is not null)
            {
                clock.Restart();
                foreach (var signal in signals)
                    Process.Start("kill", [$"-{signal}", parity.Id.ToString()])!.WaitForExit();
                signalled = true;
            }
            var waiting = signals is not null && !signalled;
            if (peak > memoryMiB)
                stopped = $"its resident memory passed {memoryMiB:0} MiB";
            else if (clock.Elapsed.TotalSeconds > (waiting ? SecondsBeforeSignals : seconds))
                stopped = waiting ? $"its stderr had no line with {signalOnLine} within {SecondsBeforeSignals} s" : $"it ran past {seconds} s";
            if (stopped is not null)
            {
                parity.Kill(entireProcessTree: true);
                break;
            }
            Thread.Sleep(20);
        }
        parity.WaitForExit();
        var elapsed = clock.Elapsed.TotalSeconds;
        reader.Wait(TimeSpan.FromSeconds(10));
        lock (error)
            return new WatchedRun(stopped is null ? parity.ExitCode : null, error.ToString(), elapsed, peak, stopped);
    }

    /// <summary>VmHWM, the process's peak resident set so far; 0 once it is gone.</summary>
    static double PeakMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
