using Parity.Cli.Commands;
using Parity.Cli.Examples;

namespace Parity.Cli.Tests;

/// <summary>
/// The suite's pages for example engines with a planted bug: the failing report is written under
/// examples/, the index shows its diagnosis, and a bug that is not caught fails the run.
/// </summary>
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
        var exit = ReportCommand.Run(SpecFolder(temp), Sharding.Shard.Whole, Backends.Builtin, temp["reports"], output, examples: [example]);
        return (exit, output.ToString());
    }

    [Fact]
    public void A_caught_bug_is_a_failing_report_under_examples_and_its_diagnosis_is_in_the_index()
    {
        using var temp = new TempFolder();
        var numpy = ExampleEngines.WithBugs.Single(e => e.Folder == "numpy-engine");
        var example = numpy with
        {
            Spec = "xor-tanh-bce",
            // The suite runs from the repository's root, where the example's relative path holds.
            Resolve = _ => Backends.Resolve(ExampleEngines.Numpy(Cli.RepositoryRoot, numpy.Bug)),
        };

        var (exit, output) = Suite(temp, example);

        Assert.True(exit == 0, output);
        var report = File.ReadAllText(Path.Combine(temp["reports"], "examples", "numpy-engine", "xor-tanh-bce", "report.md"));
        Assert.Contains("numpy-engine --bug bias-grad-mean", report);
        var index = File.ReadAllText(Path.Combine(temp["reports"], "README.md"));
        Assert.Contains("1 of 1 planted bugs were caught", index);
        Assert.Contains($"| numpy-engine --bug bias-grad-mean ({ExampleEngines.Numpy(Cli.RepositoryRoot, "--bug bias-grad-mean")}) | `--bug bias-grad-mean` | [xor-tanh-bce](examples/numpy-engine/xor-tanh-bce/report.md) | failed, as planted | only the bias gradients are wrong", index);
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
}
