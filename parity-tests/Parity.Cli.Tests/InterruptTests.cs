using System.Diagnostics;
using Parity.Tests.Shared;

namespace Parity.Cli.Tests;

public class InterruptTests
{
    [Fact]
    public void Ctrl_C_during_the_suite_exits_130_and_leaves_the_previous_reports_untouched()
    {
        using var temp = new TempFolder();
        // A suite long enough to be interrupted while it trains.
        var specs = Directory.CreateDirectory(Path.Combine(temp.Path, "parity-tests", "specs")).FullName;
        File.WriteAllText(Path.Combine(specs, "a-long.yaml"), File.ReadAllText(Cli.BuiltInSpec("disk-relu-mse.yaml")).Replace("epochs: 150", "epochs: 5000"));
        // The spec of the suite's example engines, read before any work (their reports are shards' items too); it comes second, never reached.
        File.Copy(Cli.BuiltInSpec("disk-three-layers.yaml"), Path.Combine(specs, "disk-three-layers.yaml"));
        var reports = Directory.CreateDirectory(temp["reports"]).FullName;
        File.WriteAllText(Path.Combine(reports, "README.md"), "previous reports");
        // Reports an earlier run wrote: Parity's to replace.
        File.WriteAllText(Path.Combine(reports, Output.OutputFolder.MarkFile), "");

        var start = InterruptibleParity.Start(Path.Combine(AppContext.BaseDirectory, "parity.dll"), "suite");
        start.WorkingDirectory = temp.Path;
        using var parity = Process.Start(start)!;
        // Wait until the check has printed its verdict: the run is now training.
        string? line;
        while ((line = parity.StandardOutput.ReadLine()) is not null && !line.StartsWith("passed disk-relu-mse", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line);
        Thread.Sleep(500);
        Process.Start("kill", ["-INT", parity.Id.ToString()])!.WaitForExit();
        var error = parity.StandardError.ReadToEnd();
        Assert.True(parity.WaitForExit(TimeSpan.FromSeconds(60)), "parity did not stop after SIGINT");

        Assert.Equal(130, parity.ExitCode);
        Assert.Contains("parity: interrupted; no output file was written or changed", error);
        Assert.Equal("previous reports", File.ReadAllText(Path.Combine(reports, "README.md")));
        Assert.Equal(new[] { Output.OutputFolder.MarkFile, "README.md" }, Directory.GetFileSystemEntries(reports).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(new[] { "parity-tests", "reports" }, Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order().ToArray());
    }
}
