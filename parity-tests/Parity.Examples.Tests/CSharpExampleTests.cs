using System.Text.Json;
using Parity.Cli;
using Parity.Cli.Examples;
using Parity.Conformance;
using Parity.Spec;

namespace Parity.Examples.Tests;

/// <summary>
/// examples/csharp-engine, built from the Parity.Contract package alone, passes the conformance kit,
/// <c>parity check</c> and lockstep <c>parity train</c> on the built-in specs it has the layers for; with
/// its planted bug, check fails and names the bias gradients. One class: the bug is switched by an
/// environment variable, which the tests must not set under each other.
/// </summary>
public class CSharpExampleTests(ExampleBuild example) : IClassFixture<ExampleBuild>
{
    static readonly string[] Layers = ["linear", "relu", "tanh", "sigmoid"], Losses = ["mse", "bce", "cross-entropy"];

    /// <summary>Whole Fashion-MNIST trainings take minutes with the example's plain loops; their check covers the same code.</summary>
    static readonly string[] TooLongToTrain = ["fashion-mnist-grid", "fashion-mnist-mlp"];

    static IEnumerable<string> Covered() => Directory.EnumerateFiles(Path.Combine(Repository.Root, "parity-tests", "specs"), "*.yaml")
        .Where(file => Has(ModelDescriptions.Describe(SpecLoader.Load(file))))
        .Select(file => Path.GetFileNameWithoutExtension(file)!)
        .Order(StringComparer.Ordinal);

    /// <summary>Whether the example has every layer, the loss and the optimizer of <paramref name="model"/>.</summary>
    static bool Has(ModelDescription model) => model.Layers.All(layer => Layers.Contains(layer.Kind)) && Losses.Contains(model.Loss.Kind) && model.Optimizer.Kind == "sgd";

    public static TheoryData<string> CoveredSpecs => new(Covered());

    public static TheoryData<string> TrainedSpecs => new(Covered().Except(TooLongToTrain));

    /// <summary>The kit's cases on the example's layers: not its transformer.</summary>
    public static TheoryData<string> Cases => new(ConformanceCases.Standard.Where(c => Has(c.Model)).Select(c => c.Name));

    static string Spec(string name) => Path.Combine(Repository.Root, "parity-tests", "specs", name + ".yaml");

    static (int Exit, string Output, string Error) Parity(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = ParityCommandLine.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The example has no softmax: the one built-in spec with it is left out, and only it.</summary>
    [Fact]
    public void Every_built_in_spec_but_the_softmax_one_is_covered() => Assert.Equal(
        ["disk-deep-sigmoid-bce", "disk-deep-tanh-mse", "disk-relu-mse", "disk-three-layers", "fashion-mnist-2class-float32", "fashion-mnist-grid", "fashion-mnist-mlp", "xor-tanh-bce"],
        Covered());

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_example_keeps_the_engine_contract(string name) =>
        ConformanceKit.Verify(example.Engine.Create, ConformanceCases.Standard.Single(c => c.Name == name));

    [Theory]
    [MemberData(nameof(CoveredSpecs))]
    public void Check_passes_on_every_covered_spec(string name)
    {
        var (exit, output, error) = Parity("check", Spec(name), "--engine", example.Assembly);

        Assert.True(exit == 0, error + output);
        Assert.StartsWith("engine under test: CSharpEngine · reference: TorchSharp 0.107.0 (libtorch 2.10.0)", output);
        Assert.Contains("re-sync (own / inherited max abs err): 0 ", output);
        Assert.Contains("backward linear in the upstream gradient", output);
    }

    [Theory]
    [MemberData(nameof(TrainedSpecs))]
    public void Lockstep_training_is_identical_up_to_rounding(string name)
    {
        var (exit, output, error) = Parity("train", Spec(name), "--engine", example.Assembly);

        Assert.True(exit == 0, error + output);
        Assert.Contains("verdict: identical up to rounding", output);
    }

    [Fact]
    public void With_the_planted_bug_check_fails_and_names_the_bias_gradients()
    {
        var (exit, output, error) = WithBug(() => Parity("check", Spec("disk-three-layers"), "--engine", example.Assembly));

        Assert.True(exit == 1, error + output);
        Assert.Contains("only the bias gradients are wrong (0.bias, 2.bias, 4.bias)", output);
        Assert.Contains("1/50, the batch size", output);
        // The example's ILayerProbe: re-sync finds the bug in each linear layer of its own, and in nothing else.
        Assert.Contains("the own error is at layer 0 (linear, 6th from the output) (its 0.bias, ", output);
        Assert.Contains(" and layer 4 (linear, 2nd from the output) (its 4.bias, ", output);
        Assert.DoesNotContain("and layer 1 ", output);
    }

    [Fact]
    public void With_the_planted_bug_lockstep_training_diverges_at_the_first_step()
    {
        var (exit, output, error) = WithBug(() => Parity("train", Spec("disk-three-layers"), "--engine", example.Assembly));

        Assert.True(exit == 1, error + output);
        Assert.Contains("verdict: diverged at step 1 (epoch 1)", output);
    }

    [Fact]
    public void A_report_names_the_example_by_its_assembly_and_times_it_by_whole_steps()
    {
        var folder = Directory.CreateTempSubdirectory("parity-example-report-").FullName;
        try
        {
            var (exit, output, error) = Parity("report", Spec("xor-tanh-bce"), "--engine", example.Assembly, "--out", Path.Combine(folder, "reports"));

            Assert.True(exit == 0, error + output);
            var report = Path.Combine(folder, "reports", "xor-tanh-bce");
            Assert.Contains("Engine under test: **CSharpEngine** · reference: TorchSharp 0.107.0 (libtorch 2.10.0)", File.ReadAllText(Path.Combine(report, "report.md")));
            using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "result.json")));
            Assert.Equal("CSharpEngine", result.RootElement.GetProperty("engine").GetString());
            Assert.Equal("TorchSharp 0.107.0 (libtorch 2.10.0)", result.RootElement.GetProperty("reference").GetString());
            // Without IPhasedBackend the example is timed by whole training steps, and the figures say so.
            Assert.Equal("train_step", result.RootElement.GetProperty("bench").GetProperty("engine").GetProperty("timing").GetString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// parity shrink with the planted bug writes a reproduction whose xunit project, restored from the packed contract
    /// and the machine's package cache alone, fails with the bug, naming the bias gradient, and passes without it.
    /// About 30 s: one shrink, one restore and build, two test runs.
    /// </summary>
    [Fact]
    public void Shrink_writes_an_xunit_test_that_fails_with_the_planted_bug_and_passes_without_it()
    {
        var folder = Directory.CreateTempSubdirectory("parity-example-shrink-").FullName;
        try
        {
            var shrunk = Path.Combine(folder, "shrunk");
            var json = Path.Combine(folder, "shrink.json");
            var (exit, output, error) = WithBug(() => Parity("shrink", Spec("disk-three-layers"), "--engine", example.Assembly, "--out", shrunk, "--json", json));
            Assert.True(exit == 0, error + output);
            Assert.Contains("parameters 1185 → 3, training steps 1200 → 1", output);
            using (var report = JsonDocument.Parse(File.ReadAllText(json)))
            {
                Assert.Equal(3, report.RootElement.GetProperty("after").GetProperty("parameters").GetInt32());
                Assert.Contains("train.epochs 60 → 1", report.RootElement.GetProperty("removed").EnumerateArray().Select(r => r.GetString()));
                Assert.All(report.RootElement.GetProperty("tries").EnumerateArray(), t => Assert.True(t.GetProperty("seconds").GetDouble() >= 0));
            }

            var artifacts = Path.Combine(folder, "artifacts");
            var (built, buildLog) = ExampleEngines.RunDotnet(["build", shrunk, "--source", example.Packages, "--source", PackageCache,
                "--packages", Path.Combine(folder, "restored"), "--artifacts-path", artifacts]);
            Assert.True(built == 0, buildLog);
            string[] test = ["test", shrunk, "--no-build", "--artifacts-path", artifacts];
            var (withBug, failing) = ExampleEngines.RunDotnet(test, new Dictionary<string, string?> { [BugVariable] = Bug });
            Assert.True(withBug != 0, failing);
            Assert.Contains("the gradient of 0.bias, element 0: the engine gives", failing);
            var (withoutBug, passing) = ExampleEngines.RunDotnet(test, new Dictionary<string, string?> { [BugVariable] = null });
            Assert.True(withoutBug == 0, passing);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>NuGet's global packages folder: it holds the test packages this very project restored, so the reproduction restores offline.</summary>
    static string PackageCache => Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    const string BugVariable = ExampleEngines.CSharpBugVariable, Bug = ExampleEngines.Bug;

    static T WithBug<T>(Func<T> run)
    {
        Environment.SetEnvironmentVariable(BugVariable, Bug);
        try
        {
            return run();
        }
        finally
        {
            Environment.SetEnvironmentVariable(BugVariable, null);
        }
    }
}
