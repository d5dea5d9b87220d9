using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Parity.Cli.Tests;

/// <summary>
/// The committed reports/ are what `parity suite` writes today, figure for figure: a fresh run of the
/// whole built-in suite (several minutes) must reproduce every file, timings aside.
/// </summary>
public partial class CommittedReportsTests
{
    [Fact]
    public async Task A_fresh_suite_run_reproduces_the_committed_reports_in_every_figure_but_timings()
    {
        using var temp = new TempFolder();
        var committed = Path.Combine(Cli.RepositoryRoot, "reports");
        // parity suite itself, as the README runs it: from the repository's root, in a process of its own.
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "parity.dll"), "suite", "--out", temp["reports"]])
        {
            WorkingDirectory = Cli.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var suite = Process.Start(start)!)
        {
            var output = suite.StandardOutput.ReadToEndAsync();
            var error = await suite.StandardError.ReadToEndAsync();
            await suite.WaitForExitAsync();
            Assert.True(suite.ExitCode == 0, error + await output);
        }
        var fresh = Directory.GetFiles(temp["reports"], "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(temp["reports"], f)).Order().ToArray();
        var kept = Directory.GetFiles(committed, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(committed, f)).Order().ToArray();
        Assert.Equal(kept, fresh);
        foreach (var file in fresh)
            Assert.True(WithoutTimings(File.ReadAllText(Path.Combine(committed, file))) == WithoutTimings(File.ReadAllText(Path.Combine(temp["reports"], file))),
                $"{file} differs from a fresh run; run `parity suite` and commit reports/");
    }

    /// <summary>Timings stand between timing markers (Markdown and HTML) or last in a result.json: a report's "bench", a report folder's "wall_seconds".</summary>
    public static string WithoutTimings(string text) => TimingSection().Replace(BenchObject().Replace(text, ""), "");

    [GeneratedRegex(@"<!-- timings -->.*?<!-- /timings -->", RegexOptions.Singleline)]
    private static partial Regex TimingSection();

    [GeneratedRegex(@"""(bench|wall_seconds)"": .*", RegexOptions.Singleline)]
    private static partial Regex BenchObject();
}
