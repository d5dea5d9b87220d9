using System.Text.RegularExpressions;

namespace Parity.Cli.Tests;

/// <summary>
/// The committed reports/ are what `parity suite` writes today, figure for figure: a fresh run of the
/// whole built-in suite must reproduce every file, timings aside. The run is the one a CI matrix makes —
/// two shards at once, then `parity merge` — so it also shows that shards merged are the unsharded
/// run, and it takes the time of the longer shard rather than of the whole suite. It is also where the
/// built-in engine is held to raising no false alarm on the built-in suite: the run must pass, and every
/// report, diagnosis and all, must read as the committed one does.
/// </summary>
public partial class CommittedReportsTests
{
    const int Shards = 2;

    [Fact]
    public async Task A_fresh_suite_run_in_two_merged_shards_reproduces_the_committed_reports_in_every_figure_but_timings()
    {
        using var temp = new TempFolder();
        var committed = Path.Combine(Cli.RepositoryRoot, "reports");
        var parts = Enumerable.Range(1, Shards).Select(i => temp[$"shard-{i}"]).ToArray();
        // parity suite itself, as the README runs it: from the repository's root, in processes of their own.
        await Task.WhenAll(parts.Select((part, i) => Parity("suite", "--shard", $"{i + 1}/{Shards}", "--out", part)));
        await Parity(["merge", .. parts, "--out", temp["reports"]]);
        var fresh = Directory.GetFiles(temp["reports"], "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(temp["reports"], f)).Order().ToArray();
        var kept = Directory.GetFiles(committed, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(committed, f)).Order().ToArray();
        Assert.Equal(kept, fresh);
        foreach (var file in fresh)
            Assert.True(WithoutTimings(File.ReadAllText(Path.Combine(committed, file))) == WithoutTimings(File.ReadAllText(Path.Combine(temp["reports"], file))),
                $"{file} differs from a fresh run; run `parity suite` and commit reports/");
    }

    static Task Parity(params string[] arguments) => Task.Run(() =>
    {
        var (exit, output, error) = Cli.RunProcess("dotnet", [Path.Combine(AppContext.BaseDirectory, "parity.dll"), .. arguments], Cli.RepositoryRoot);
        // Its errors last: a CI log is read from its end, and a suite's output runs to hundreds of lines.
        Assert.True(exit == 0, $"parity {string.Join(' ', arguments)} exited {exit}. The end of its output:\n{string.Join('\n', output.Split('\n').TakeLast(40))}\nIts errors:\n{error}");
    });

    /// <summary>Timings stand between timing markers (Markdown and HTML) or last in a result.json: a report's "bench", a report folder's "wall_seconds".</summary>
    public static string WithoutTimings(string text) => TimingSection().Replace(BenchObject().Replace(text, ""), "");

    [GeneratedRegex(@"<!-- timings -->.*?<!-- /timings -->", RegexOptions.Singleline)]
    private static partial Regex TimingSection();

    [GeneratedRegex(@"""(bench|wall_seconds)"": .*", RegexOptions.Singleline)]
    private static partial Regex BenchObject();
}
