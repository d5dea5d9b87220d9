using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Parity.Cli.Tests;

/// <summary>
/// The committed reports/ are what `parity suite` writes today, as far as another CPU cannot change it
/// (<see cref="ReportEquivalence"/>): a fresh run of the whole built-in suite must reproduce every file,
/// every verdict and every figure within its verdict's tolerance, timings and the machine aside. The run
/// is the one a CI matrix makes — two shards at once, then `parity merge` — so it also shows that shards
/// merged are the unsharded run, and it takes the time of the longer shard rather than of the whole
/// suite. It is also where the built-in engine is held to raising no false alarm on the built-in suite:
/// the run must pass, and every report, diagnosis and all, must read as the committed one does. CI runs
/// it once more on another kernel path (.ci/run), so that reports written on one CPU are tried on another.
/// </summary>
public partial class CommittedReportsTests
{
    const int Shards = 2;

    static string Committed => Path.Combine(Repository.Root, "reports");

    /// <summary>A class of its own, so a collection of its own, which <see cref="CommittedReportsFirst"/> starts first: the class's quick tests then run beside it.</summary>
    public class FreshRun
    {
        [Fact]
        public async Task A_fresh_suite_run_in_two_merged_shards_reproduces_the_committed_reports_up_to_rounding()
        {
            using var temp = new TempFolder();
            var parts = Enumerable.Range(1, Shards).Select(i => temp[$"shard-{i}"]).ToArray();
            // parity suite itself, as the README runs it: from the repository's root, in processes of their own.
            await Task.WhenAll(parts.Select((part, i) => Parity("suite", "--shard", $"{i + 1}/{Shards}", "--out", part)));
            await Parity(["merge", .. parts, "--out", temp["reports"]]);
            var differences = ReportEquivalence.Differences(Committed, temp["reports"]);
            Assert.True(differences.Count == 0,
                $"{differences.Count} differences from a fresh run beyond rounding; run `parity suite` and commit reports/ if the change is meant. The first:\n{string.Join('\n', differences.Take(20))}");
        }
    }

    [Fact]
    public void The_committed_reports_agree_with_themselves()
    {
        Assert.Empty(ReportEquivalence.Differences(Committed, Committed));
    }

    /// <summary>What another CPU may change: the last bits of a value, and agreement figures within their bounds.</summary>
    [Theory]
    [InlineData("disk-adamw/result.json", "check.parameters[0].max_rel_err", 2.503835614061278e-14)]
    [InlineData("disk-adamw/result.json", "check.parameters[0].max_ulp", 0)]
    [InlineData("disk-adamw/result.json", "train.max_param_drift", 5.950795411990839e-14)]
    [InlineData("disk-adamw/result.json", "last.engine.test_loss", 0.058897305442911246)]
    [InlineData("fashion-mnist-bn-dropout/result.json", "max_gradient_rel_err", 33)]
    public void A_figure_moved_by_rounding_alone_is_no_difference(string file, string path, double value)
    {
        using var copy = CopyOfCommitted();
        SetJson(copy.Path, file, path, value);
        Assert.Empty(ReportEquivalence.Differences(Committed, copy.Path));
    }

    [Fact]
    public void A_figure_printed_in_a_report_that_moves_in_its_last_digit_by_rounding_is_no_difference()
    {
        using var copy = CopyOfCommitted();
        Replace(copy.Path, "disk-adamw/report.md", @"\| 0 \| [^|]+ \| [^|]+ \| agrees \|", "| 0 | 1.11E-16 | 5.55E-17 | agrees |");
        Assert.Empty(ReportEquivalence.Differences(Committed, copy.Path));
    }

    /// <summary>Each planted change is one a different CPU cannot make, and must be found.</summary>
    [Theory]
    [InlineData("disk-adamw/result.json", "check.parameters[0].passed", "false")]
    [InlineData("disk-adamw/result.json", "train.verdict", "\"diverged at step 3\"")]
    [InlineData("disk-adamw/result.json", "last.engine.test_accuracy", "0.972")]
    [InlineData("fashion-mnist-2class-float32/result.json", "train.epochs[0].engine.test_accuracy", "0.8")]
    [InlineData("disk-adamw/result.json", "check.parameters[0].max_abs_err", "1e-6")]
    [InlineData("disk-adamw/result.json", "train.max_param_drift", "1e-9")]
    [InlineData("disk-adamw/result.json", "train.epochs[2].engine.train_loss", "0.4069")]
    [InlineData("fashion-mnist-grid/result.json", "train.grid.engine_winner", "3")]
    [InlineData("fashion-mnist-cnn/result.json", "last.engine.test_accuracy", "0.88")]
    public void A_planted_change_to_a_verdict_an_accuracy_or_a_figure_beyond_its_tolerance_in_result_json_is_found(string file, string path, string json)
    {
        using var copy = CopyOfCommitted();
        SetJson(copy.Path, file, path, JsonNode.Parse(json));
        Assert.Contains(ReportEquivalence.Differences(Committed, copy.Path), d => d.StartsWith(file, StringComparison.Ordinal));
    }

    /// <summary>
    /// Each change is planted where a pattern finds it, not at a literal figure: README's first command rewrites
    /// reports/ on the user's CPU (there the CNN's accuracies read 0.9036 / 0.9049 where the committed ones read
    /// 0.9056 / 0.9040), and the test command that follows it must still plant its changes.
    /// </summary>
    [Theory]
    [InlineData("disk-adamw/report.md", @"test accuracy \d\.\d{4} /", "test accuracy 0.5000 /")]
    [InlineData("README.md", @"(\[disk-adamw\].*\| )\d\.\d{4}( / \d\.\d{4} \|)", "${1}0.5000${2}")]
    [InlineData("README.md", @"(\[fashion-mnist-cnn\].*\| )\d\.\d{4}( / \d\.\d{4} \|)", "${1}0.5000${2}")]
    [InlineData("disk-adamw/report.md", "# disk-adamw — ✅ passed", "# disk-adamw — ❌ failed")]
    [InlineData("index.html", "identical up to rounding", "rounding amplified by the dynamics")]
    [InlineData("examples/numpy-engine/disk-three-layers/report.md", "divided by the batch once too often", "divided by the batch twice")]
    [InlineData("disk-adamw/junit.xml", "tests=\"5\"", "tests=\"4\"")]
    public void A_planted_change_to_a_verdict_or_an_accuracy_in_a_rendered_report_is_found(string file, string pattern, string planted)
    {
        using var copy = CopyOfCommitted();
        Replace(copy.Path, file, pattern, planted);
        Assert.Contains(ReportEquivalence.Differences(Committed, copy.Path), d => d.StartsWith(file, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gpt-sort/report.md", true)]
    [InlineData("examples/numpy-engine/disk-three-layers/report.md", false)]
    public void Where_a_training_too_sensitive_to_compare_step_for_step_crosses_the_rounding_bound_is_its_path_not_its_verdict(string file, bool chaotic)
    {
        using var copy = CopyOfCommitted();
        var path = Path.Combine(copy.Path, file);
        var text = File.ReadAllText(path);
        // gpt-sort's verdict names the step of its crossing; the numpy example's planted bug, the step at which its training diverged: a finding, held exactly.
        var crossing = CrossingOrStep().Match(text);
        Assert.True(crossing.Success, $"no step in {file}");
        var moved = int.Parse(crossing.Groups[1].Value, CultureInfo.InvariantCulture) + 3;
        File.WriteAllText(path, text.Remove(crossing.Groups[1].Index, crossing.Groups[1].Length).Insert(crossing.Groups[1].Index, moved.ToString(CultureInfo.InvariantCulture)));
        var differences = ReportEquivalence.Differences(Committed, copy.Path).Where(d => d.StartsWith(file, StringComparison.Ordinal)).ToList();
        Assert.Equal(chaotic, differences.Count == 0);
    }

    [GeneratedRegex(@"(?:from|at) step (\d+) \(epoch")]
    private static partial Regex CrossingOrStep();

    [Fact]
    public void A_report_file_missing_from_the_fresh_run_is_found()
    {
        using var copy = CopyOfCommitted();
        File.Delete(Path.Combine(copy.Path, "xor-tanh-bce", "junit.xml"));
        Assert.Contains(ReportEquivalence.Differences(Committed, copy.Path), d => d.Contains("not made by the fresh run"));
    }

    static TempFolder CopyOfCommitted()
    {
        var copy = new TempFolder();
        foreach (var file in Directory.GetFiles(Committed, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy.Path, Path.GetRelativePath(Committed, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    /// <summary>Replaces the first match of <paramref name="pattern"/> (a regular expression) in one file of the copy.</summary>
    static void Replace(string root, string file, string pattern, string replacement)
    {
        var path = Path.Combine(root, file);
        var text = File.ReadAllText(path);
        var regex = new Regex(pattern);
        Assert.Matches(regex, text);
        var planted = regex.Replace(text, replacement, 1);
        Assert.NotEqual(text, planted);
        File.WriteAllText(path, planted);
    }

    /// <summary>Sets one figure of a result.json, at a path of keys and [indices].</summary>
    static void SetJson(string root, string file, string path, JsonNode? value)
    {
        var full = Path.Combine(root, file);
        var document = JsonNode.Parse(File.ReadAllText(full))!;
        var steps = path.Replace("[", ".[").Split('.');
        var node = document;
        foreach (var step in steps[..^1])
            node = step.StartsWith('[') ? node[int.Parse(step[1..^1])]! : node[step]!;
        var last = steps[^1];
        if (last.StartsWith('['))
            node[int.Parse(last[1..^1])] = value;
        else
        {
            Assert.NotNull(node[last]);
            node[last] = value;
        }
        File.WriteAllText(full, document.ToJsonString());
    }

    static void SetJson(string root, string file, string path, double value) => SetJson(root, file, path, JsonValue.Create(value));

    static Task Parity(params string[] arguments) => Task.Run(() =>
    {
        var (exit, output, error) = Cli.RunProcess("dotnet", [Path.Combine(AppContext.BaseDirectory, "parity.dll"), .. arguments], Repository.Root);
        // Its errors last: a CI log is read from its end, and a suite's output runs to hundreds of lines (in which the
        // example engines' planted bugs fail too, as they should), so the specs that failed are named first.
        Assert.True(exit == 0, $"parity {string.Join(' ', arguments)} exited {exit}. {FailedSpecs(arguments[Array.IndexOf(arguments, "--out") + 1])}\nThe end of its output:\n{string.Join('\n', output.Split('\n').TakeLast(40))}\nIts errors:\n{error}");
    });

    /// <summary>The specs a suite's folder records as failed, from its index's list and each spec's result.json.</summary>
    static string FailedSpecs(string folder)
    {
        var index = Path.Combine(folder, "result.json");
        if (!File.Exists(index))
            return $"It wrote no {index}.";
        var failed = JsonNode.Parse(File.ReadAllText(index))!["specs"]!.AsArray().Select(spec => (string)spec!)
            .Where(spec => Path.Combine(folder, spec, "result.json") is var result && (!File.Exists(result) || !(bool)JsonNode.Parse(File.ReadAllText(result))!["passed"]!));
        return $"Specs failed: {string.Join(", ", failed.DefaultIfEmpty("none (an example engine's planted bug went uncaught, or the run itself failed)"))}.";
    }
}
