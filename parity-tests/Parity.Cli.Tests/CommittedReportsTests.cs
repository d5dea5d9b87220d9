using System.Text.RegularExpressions;

namespace Parity.Cli.Tests;

/// <summary>
/// The committed reports/ are what `parity suite` writes today, figure for figure: a fresh run of the
/// whole built-in suite (several minutes) must reproduce every file, timings aside.
/// </summary>
public partial class CommittedReportsTests
{
    [Fact]
    public void A_fresh_suite_run_reproduces_the_committed_reports_in_every_figure_but_timings()
    {
        using var temp = new TempFolder();
        var committed = Path.Combine(Cli.RepositoryRoot, "reports");
        var (exit, output, error) = Cli.Run("report", Path.Combine(Cli.RepositoryRoot, "parity-tests", "specs"), "--out", temp["reports"]);

        Assert.True(exit == 0, error + output);
        var fresh = Directory.GetFiles(temp["reports"], "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(temp["reports"], f)).Order().ToArray();
        var kept = Directory.GetFiles(committed, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(committed, f)).Order().ToArray();
        Assert.Equal(kept, fresh);
        foreach (var file in fresh)
            Assert.True(WithoutTimings(File.ReadAllText(Path.Combine(committed, file))) == WithoutTimings(File.ReadAllText(Path.Combine(temp["reports"], file))),
                $"{file} differs from a fresh run; run `parity suite` and commit reports/");
    }

    /// <summary>Timings stand between timing markers (Markdown and HTML) or in result.json's last object, "bench".</summary>
    public static string WithoutTimings(string text) => TimingSection().Replace(BenchObject().Replace(text, ""), "");

    [GeneratedRegex(@"<!-- timings -->.*?<!-- /timings -->", RegexOptions.Singleline)]
    private static partial Regex TimingSection();

    [GeneratedRegex(@"""bench"": .*", RegexOptions.Singleline)]
    private static partial Regex BenchObject();
}
