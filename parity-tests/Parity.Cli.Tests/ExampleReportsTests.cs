using Parity.Cli.Commands;
using Parity.Cli.Examples;
using Parity.Cli.Reports;
using Parity.Cli.Sharding;

namespace Parity.Cli.Tests;

/// <summary>
/// The suite's pages for example engines with a planted bug: the failing report is written under
/// examples/, the index shows its diagnosis, and a bug that is not caught fails the run.
/// </summary>
[Collection(TwinInThisProcessCollection.Name)]
public class ExampleReportsTests
{
    /// <summary>One small spec in a folder of its own, as the suite's folder.</summary>
    static string SpecFolder(TempFolder temp)
    {
        Directory.CreateDirectory(temp["specs"]);
        File.Copy(Cli.BuiltInSpec("xor-tanh-bce.yaml"), Path.Combine(temp["specs"], "xor-tanh-bce.yaml"));
        return temp["specs"];
    }

    static (int Exit, string Output) Suite(TempFolder temp, ExampleEngine example)
    {
        var output = new StringWriter();
        var exit = Reports.ReportRun.Run(new Reports.ReportRequest(SpecFolder(temp), Sharding.Shard.Whole, Backends.Builtin, temp["reports"], Examples: [example]), output);
        return (exit, output.ToString());
    }

    /// <summary>The suite's numpy example with its bug, on the small spec.</summary>
    static ExampleEngine NumpyOnXor()
    {
        var numpy = ExampleEngines.WithBugs.Single(e => e.Folder == "numpy-engine");
        return numpy with
        {
            Spec = "xor-tanh-bce",
            // The suite runs from the repository's root, where the example's relative path holds.
            Resolve = _ => Backends.Resolve(ExampleEngines.Numpy(Repository.Root, numpy.Bug)),
        };
    }

    [Fact]
    public void A_caught_bug_is_a_failing_report_under_examples_and_its_diagnosis_is_in_the_index()
    {
        using var temp = new TempFolder();
        var (exit, output) = Suite(temp, NumpyOnXor());

        Assert.True(exit == 0, output);
        var report = File.ReadAllText(Path.Combine(temp["reports"], "examples", "numpy-engine", "xor-tanh-bce", "report.md"));
        Assert.Contains("numpy-engine --bug bias-grad-mean", report);
        var index = File.ReadAllText(Path.Combine(temp["reports"], "README.md"));
        Assert.Contains("1 of 1 planted bugs were caught", index);
        Assert.Contains($"| numpy-engine --bug bias-grad-mean ({ExampleEngines.Numpy(Repository.Root, "--bug bias-grad-mean")}) | `--bug bias-grad-mean` | [xor-tanh-bce](examples/numpy-engine/xor-tanh-bce/report.md) | failed, as planted | only the bias gradients are wrong", index);
        Assert.Contains("href=\"examples/numpy-engine/xor-tanh-bce/report.html\"", File.ReadAllText(Path.Combine(temp["reports"], "index.html")));
    }

    [Fact]
    public void An_example_whose_bug_is_not_caught_fails_the_suite_and_says_so()
    {
        using var temp = new TempFolder();
        var correct = new ExampleEngine("numpy-engine", "xor-tanh-bce", "--bug bias-grad-mean", _ => Backends.Resolve(Backends.Builtin));

        var (exit, output) = Suite(temp, correct);

        Assert.True(exit == 1, output);
        Assert.Contains("the planted bug of examples/numpy-engine (--bug bias-grad-mean) was not caught on xor-tanh-bce", output);
        Assert.Contains("0 of 1 planted bugs were caught", File.ReadAllText(Path.Combine(temp["reports"], "README.md")));
        Assert.Contains("passed: the bug was not caught", File.ReadAllText(Path.Combine(temp["reports"], "README.md")));
    }

    [Fact]
    public void A_sharded_suite_holds_each_example_report_in_one_shard_and_merges_into_the_whole_index()
    {
        using var temp = new TempFolder();
        var folder = SpecFolder(temp);
        // Two reports of one spec cost the same: by name, the example's goes to shard 1, the spec's to shard 2.
        foreach (var (output, shard) in new[] { ("whole", Shard.Whole), ("part-1", new Shard(1, 2)), ("part-2", new Shard(2, 2)) })
        {
            var printed = new StringWriter();
            Assert.True(Reports.ReportRun.Run(new Reports.ReportRequest(folder, shard, Backends.Builtin, temp[output], Examples: [NumpyOnXor()]), printed) == 0, printed.ToString());
        }
        var (first, second) = (RunResult.Read(temp["part-1"]), RunResult.Read(temp["part-2"]));
        Assert.Equal(["examples/numpy-engine/xor-tanh-bce"], first.Examples);
        Assert.Empty(first.Specs);
        Assert.Equal(["xor-tanh-bce"], second.Specs);
        Assert.Empty(second.Examples);

        var (exit, merged, error) = Cli.Run("merge", temp["part-2"], temp["part-1"], "--out", temp["merged"]);

        Assert.True(exit == 0, error + merged);
        foreach (var file in new[] { "README.md", "index.html", "junit.xml", "result.json" })
            Assert.Equal(ReportEquivalence.WithoutTimings(File.ReadAllText(Path.Combine(temp["whole"], file))), ReportEquivalence.WithoutTimings(File.ReadAllText(Path.Combine(temp["merged"], file))));
        Assert.True(File.Exists(Path.Combine(temp["merged"], "examples", "numpy-engine", "xor-tanh-bce", "report.md")));
        Assert.Contains("1 of 1 planted bugs were caught", File.ReadAllText(Path.Combine(temp["merged"], "README.md")));
    }
}
