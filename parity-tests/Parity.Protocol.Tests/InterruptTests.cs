using System.Diagnostics;
using Parity.Tests.Shared;

namespace Parity.Protocol.Tests;

/// <summary>Ctrl-C while an engine in another process trains: Parity stops in order, exits 130, and the engine is gone.</summary>
public class InterruptTests
{
    [Fact]
    public async Task Ctrl_C_stops_parity_and_its_engine_which_runs_in_a_session_of_its_own()
    {
        var folder = Directory.CreateTempSubdirectory("parity-interrupt-").FullName;
        try
        {
            // Long enough to be interrupted while it trains.
            var spec = Path.Combine(folder, "long.yaml");
            File.WriteAllText(spec, File.ReadAllText(Engines.Spec("disk-relu-mse.yaml")).Replace("epochs: 150", "epochs: 5000"));
            var start = InterruptibleParity.Start(Path.Combine(AppContext.BaseDirectory, "parity.dll"), "train", spec, "--engine", Engines.Numpy());
            using var parity = Process.Start(start)!;
            var output = parity.StandardOutput.ReadToEndAsync();
            var error = parity.StandardError.ReadToEndAsync();

            var engine = WaitForChild(parity.Id, "engine.py");
            Assert.NotEqual(Session(parity.Id), SessionOnceSet(engine, Session(parity.Id)));
            Thread.Sleep(1000);
            Process.Start("kill", ["-INT", parity.Id.ToString()])!.WaitForExit();
            Assert.True(parity.WaitForExit(TimeSpan.FromSeconds(60)), "parity did not stop after SIGINT");

            var errorText = await error;
            Assert.True(parity.ExitCode == 130, await output + errorText);
            Assert.Contains("parity: interrupted", errorText);
            Assert.True(Engines.Gone(engine), $"engine process {engine} is still there");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The id of the child of <paramref name="parent"/> whose command line holds <paramref name="text"/>, once it exists.</summary>
    static int WaitForChild(int parent, string text)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            foreach (var folder in Directory.GetDirectories("/proc"))
                if (int.TryParse(Path.GetFileName(folder), out var pid) && Stat(pid) is { } stat && stat.Parent == parent
                    && File.ReadAllText(Path.Combine(folder, "cmdline")).Contains(text))
                    return pid;
            Thread.Sleep(100);
        }
        throw new TimeoutException($"no child of {parent} runs {text}");
    }

    /// <summary>
    /// The session of <paramref name="pid"/> once it has left <paramref name="parents"/>, or after 10 s the one it is in:
    /// the child found may still be <c>setsid</c> between its exec and its setsid() call, in its parent's session (a
    /// fresh clone's test command read that once, under load).
    /// </summary>
    static int SessionOnceSet(int pid, int parents)
    {
        var clock = Stopwatch.StartNew();
        while (Session(pid) == parents && clock.Elapsed < TimeSpan.FromSeconds(10))
            Thread.Sleep(10);
        return Session(pid);
    }

    static int Session(int pid) => Stat(pid)?.Session ?? throw new InvalidOperationException($"process {pid} is gone");

    /// <summary>The parent and session ids from /proc/PID/stat: the fields after the command's closing parenthesis are state, ppid, pgrp, session.</summary>
    static (int Parent, int Session)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(fields[1]), int.Parse(fields[3]));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
