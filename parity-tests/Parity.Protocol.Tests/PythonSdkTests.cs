using System.Diagnostics;
using Parity.Conformance;

namespace Parity.Protocol.Tests;

/// <summary>
/// The Python package for outside engines (sdk/python/parity_engine): its own unit tests, engines built on it
/// through the conformance kit, and the whole-model example through check and lockstep train.
/// </summary>
public class PythonSdkTests
{
    static readonly string Package = Path.Combine(Engines.Root, "sdk", "python");

    static string WholeModel { get; } = $"exec:{Cli.Examples.ExampleEngines.Python} '{Path.Combine(Engines.Root, "examples", "whole-model-engine", "engine.py")}'";

    [Fact]
    public void The_packages_own_tests_pass()
    {
        var (exit, output) = Python(Package, "-m", "unittest", "discover", "-s", "tests", "-t", ".");

        Assert.True(exit == 0, output);
        Assert.Matches(@"Ran \d\d+ tests", output);
    }

    public static TheoryData<string> Cases => [.. ConformanceCases.Standard.Select(c => c.Name)];

    /// <summary>
    /// The numpy example, the per-layer level's engine, meets every contract check through exec: but the parameter
    /// round trip: it also asks that a refused set_parameters leave the engine usable, and a process engine's
    /// "failed" answer stops it for good (ProtocolChannel), so no exec: engine can meet that half.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void An_engine_on_the_package_passes_the_conformance_kit(string name) =>
        Assert.Empty(Findings(Engines.Numpy(), name));

    /// <summary>The same kit on the example with a contract bug planted (its SGD ignores the schedule's rate) finds it.</summary>
    [Fact]
    public void The_kit_finds_a_contract_bug_planted_in_an_engine_on_the_package()
    {
        var findings = Findings(Engines.Fault("sdk_schedule_ignored.py"), "tanh-sigmoid-bce-float64");

        Assert.Contains(findings, f => f.StartsWith("end-epoch: ", StringComparison.Ordinal));
    }

    static List<string> Findings(string engine, string @case)
    {
        var checks = ConformanceKit.Checks.Where(check => check.Name != "parameter-round-trip");
        var c = ConformanceCases.Standard.Single(c => c.Name == @case);
        return checks.SelectMany(check => check.Run(Factory(engine), c).Select(problem => $"{check.Name}: {problem}")).ToList();
    }

    [Fact]
    public void The_whole_model_example_passes_check()
    {
        var (exit, output, error) = Engines.Run("check", Engines.Spec("disk-three-layers.yaml"), "--engine", WholeModel);

        Assert.True(exit == 0, output + error);
        Assert.Contains("gradcheck seed-network (float64, ", output);
        Assert.Contains("passed disk-three-layers", output);
    }

    [Fact]
    public void The_whole_model_example_trains_in_lockstep()
    {
        var (exit, output, error) = Engines.Run("train", Engines.Spec("disk-three-layers.yaml"), "--engine", WholeModel);

        Assert.True(exit == 0, output + error);
        Assert.Contains("verdict: identical up to rounding", output);
    }

    /// <summary>The handshake's "covers", filled by the package from what is registered, stops a spec beyond it before build.</summary>
    [Fact]
    public void A_spec_beyond_what_the_engine_covers_stops_before_build_naming_each_part()
    {
        var (exit, output, error) = Engines.Run("check", Engines.Spec("fashion-mnist-cnn.yaml"), "--engine", Engines.Numpy());

        Assert.True(exit == 2, output + error);
        Assert.Contains("request 'hello' (id 1): the engine does not support layer 'unflatten' (layer 0), 'conv2d' (layer 1), 'max-pool2d' (layer 3), ", error);
        Assert.Contains("'flatten' (layer 7) (it covers causal-self-attention, dropout, embedding, gelu, identity, layer-norm, leaky-relu, linear, position-embedding, relu, residual, sigmoid, softmax, tanh)", error);
        Assert.DoesNotContain("request 'build'", error);
    }

    /// <summary>The per-layer skeleton docs/python.md gives to copy passes check as listed, and fails with the bias bug planted in it.</summary>
    [Fact]
    public void The_guide_s_skeleton_passes_check_as_listed_and_fails_with_a_planted_bug()
    {
        var guide = File.ReadAllText(Path.Combine(Engines.Root, "docs", "python.md"));
        var start = guide.IndexOf("```python\n", StringComparison.Ordinal) + "```python\n".Length;
        var skeleton = guide[start..guide.IndexOf("```", start, StringComparison.Ordinal)];
        var folder = Directory.CreateTempSubdirectory("parity-sdk-skeleton-").FullName;
        try
        {
            foreach (var (file, text, exit, verdict) in new[] { ("my_engine.py", skeleton, 0, "passed xor-tanh-bce"),
                ("buggy_engine.py", skeleton.Replace("dy.sum(axis=0)", "dy.mean(axis=0)"), 1, "only the bias gradients are wrong") })
            {
                File.WriteAllText(Path.Combine(folder, file), text);
                var engine = $"exec:/usr/bin/env PYTHONPATH={Package} PYTHONDONTWRITEBYTECODE=1 {Cli.Examples.ExampleEngines.Python} {Path.Combine(folder, file)}";
                var run = Engines.Run("check", Engines.Spec("xor-tanh-bce.yaml"), "--engine", engine);
                Assert.True(run.Exit == exit, run.Output + run.Error);
                Assert.Contains(verdict, run.Output);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static BackendFactory Factory(string engine) =>
        (model, initial) => new ProcessBackend(engine["exec:".Length..], model, initial, TimeSpan.FromSeconds(60), TextWriter.Null, new object());

    /// <summary>Debian's python3 in <paramref name="directory"/>, writing no bytecode into the source tree; its exit code and all it wrote.</summary>
    static (int Exit, string Output) Python(string directory, params string[] args)
    {
        var start = new ProcessStartInfo(Cli.Examples.ExampleEngines.Python) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
