using System.Text.Json;

namespace Parity.Cli.Tests;

/// <summary>
/// <c>parity bench</c>: its JSON contract, exit codes and refusals, on small specs and a few
/// repetitions. Nothing here judges a timing — only that figures are there, positive and consistent.
/// </summary>
[Collection(TwinInThisProcessCollection.Name)]
public class BenchCommandTests
{
    // A spec no other test uses, small enough to time in a blink.
    const string SmallSpec = """
        name: bench-small
        seed: 4
        data: {source: disk, train: 200, test: 10}
        model: [linear: 16, tanh, linear: 8, relu, linear: 1]
        loss: mse
        optimizer:
          sgd: {lr: 0.05, momentum: 0.9}
        train: {epochs: 1, batch: 64}
        bench: {max_alloc_bytes: 0}
        """;

    static readonly string[] Quick = ["--repetitions", "4"];

    static string[] Args(params string[] args) => [.. args, .. Quick];

    [Fact]
    public void Bench_writes_the_json_contract_for_both_engines()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run(Args("bench", temp.File("small.yaml", SmallSpec), "--json", temp["bench.json"]));

        Assert.True(exit == 0, error + output);
        Assert.Contains("passed bench-small", output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["bench.json"]));
        var root = json.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal("Parity built-in engine", root.GetProperty("engine").GetString());
        Assert.Equal("TorchSharp 0.107.0 (libtorch 2.10.0)", root.GetProperty("reference").GetString());
        Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() >= 1);
        var spec = root.GetProperty("specs")[0];
        Assert.Equal("bench-small", spec.GetProperty("spec").GetString());
        // No --threads: side by side on the spec's own counts, the reference on one thread for a step this small.
        Assert.Equal(JsonValueKind.Null, root.GetProperty("threads").ValueKind);
        Assert.Equal(Environment.ProcessorCount, spec.GetProperty("threads").GetInt32());
        Assert.Equal(1, spec.GetProperty("reference_threads").GetInt32());
        Assert.Equal(64, spec.GetProperty("batch").GetInt32());
        foreach (var side in new[] { "engine", "twin" })
        {
            var figures = spec.GetProperty(side);
            foreach (var phase in new[] { "forward_ms", "backward_ms", "step_ms", "train_step_ms", "gflops" })
                Assert.True(figures.GetProperty(phase).GetDouble() > 0, $"{side}.{phase}");
            Assert.True(figures.GetProperty("alloc_bytes_per_step").GetDouble() >= 0);
            Assert.True(figures.GetProperty("iqr").GetProperty("train_step_ms").GetDouble() >= 0);
            Assert.Equal(4, figures.GetProperty("repetitions").GetInt32());
        }
        var engine = spec.GetProperty("engine");
        Assert.Equal(0, engine.GetProperty("alloc_bytes_per_step").GetDouble());
        Assert.Equal(engine.GetProperty("train_step_ms").GetDouble() / spec.GetProperty("twin").GetProperty("train_step_ms").GetDouble(),
            spec.GetProperty("ratio").GetDouble(), 12);
        var target = spec.GetProperty("targets")[0];
        Assert.Equal("max_alloc_bytes", target.GetProperty("name").GetString());
        Assert.True(target.GetProperty("passed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, spec.GetProperty("sweep").ValueKind);
        var best = spec.GetProperty("best");
        var peak = best.GetProperty("peak");
        Assert.Equal(("float64", 1024, Environment.ProcessorCount), (peak.GetProperty("dtype").GetString(), peak.GetProperty("size").GetInt32(), peak.GetProperty("threads").GetInt32()));
        Assert.True(peak.GetProperty("gflops").GetDouble() > 0);
        foreach (var side in new[] { "engine", "twin" })
        {
            var alone = best.GetProperty(side);
            var counts = alone.GetProperty("by_threads").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(1, Environment.ProcessorCount), counts.Select(c => c.GetProperty("threads").GetInt32()));
            // The best is the fastest count, and its GFLOP/s a fraction of the peak.
            Assert.Equal(counts.Min(c => c.GetProperty("train_step_ms").GetDouble()), alone.GetProperty("train_step_ms").GetDouble());
            Assert.Equal(counts.Single(c => c.GetProperty("train_step_ms").GetDouble() == alone.GetProperty("train_step_ms").GetDouble()).GetProperty("threads").GetInt32(), alone.GetProperty("threads").GetInt32());
            Assert.Equal(alone.GetProperty("gflops").GetDouble() / peak.GetProperty("gflops").GetDouble(), alone.GetProperty("fraction_of_peak").GetDouble(), 12);
        }
        Assert.Equal(best.GetProperty("engine").GetProperty("train_step_ms").GetDouble() / best.GetProperty("twin").GetProperty("train_step_ms").GetDouble(),
            best.GetProperty("ratio").GetDouble(), 12);
        // --repetitions: one round of exactly that many steps, whose ratio is the headline.
        Assert.Equal([best.GetProperty("ratio").GetDouble()], best.GetProperty("round_ratios").EnumerateArray().Select(r => r.GetDouble()));
        Assert.Contains("TorchSharp in a process of its own with its defaults", output);
        Assert.Contains("float64 product peak (1024² on", output);
        // Products 2·64·(2·16 + 16·8 + 8·1), biases 64·(16 + 8 + 1), tanh 64·16, relu 64·8, loss 3·64.
        Assert.Equal(2 * 64 * (2 * 16 + 16 * 8 + 8) + 64 * 25 + 64 * 16 + 64 * 8 + 3 * 64, spec.GetProperty("flops").GetProperty("forward").GetInt64());
    }

    [Fact]
    public void A_missed_target_exits_1_and_says_which()
    {
        using var temp = new TempFolder();
        var spec = temp.File("small.yaml", SmallSpec.Replace("bench: {max_alloc_bytes: 0}", "bench: {max_ratio: 0.000001, max_alloc_bytes: 0}"));
        var (exit, output, error) = Cli.Run(Args("bench", spec, "--json", temp["bench.json"]));

        Assert.True(exit == 1, error + output);
        Assert.Contains("✗ engine / TorchSharp train step, each at its best,", output);
        Assert.Contains("(target ≤ 1E-06)", output);
        Assert.Contains("failed bench-small", output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["bench.json"]));
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        var targets = json.RootElement.GetProperty("specs")[0].GetProperty("targets");
        Assert.False(targets[0].GetProperty("passed").GetBoolean());
        Assert.True(targets[1].GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void A_sweep_fits_a_growth_exponent_per_engine()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run(Args("bench", temp.File("small.yaml", SmallSpec), "--sweep", "width=4,8,16", "--json", temp["bench.json"]));

        Assert.True(exit == 0, error + output);
        Assert.Contains("growth exponent", output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["bench.json"]));
        var sweep = json.RootElement.GetProperty("specs")[0].GetProperty("sweep");
        Assert.Equal("width", sweep.GetProperty("parameter").GetString());
        Assert.Equal(new[] { 4, 8, 16 }, sweep.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetInt32()));
        foreach (var point in sweep.GetProperty("points").EnumerateArray())
            Assert.True(point.GetProperty("engine_train_step_ms").GetDouble() > 0 && point.GetProperty("twin_train_step_ms").GetDouble() > 0);
        Assert.True(double.IsFinite(sweep.GetProperty("engine_exponent").GetDouble()));
        Assert.True(double.IsFinite(sweep.GetProperty("twin_exponent").GetDouble()));
    }

    [Fact]
    public void The_readme_table_is_written_between_the_markers()
    {
        using var temp = new TempFolder();
        var readme = temp.File("README.md", "# Title\n\n<!-- parity:bench:begin -->\nold table\n<!-- parity:bench:end -->\n\nAfter.\n");
        var (exit, output, error) = Cli.Run(Args("bench", temp.File("small.yaml", SmallSpec), "--readme", readme));

        Assert.True(exit == 0, error + output);
        var text = File.ReadAllText(readme);
        Assert.DoesNotContain("old table", text);
        Assert.Contains("| `bench-small` | 2-16-8-1 | float64 | 64 |", text);
        Assert.Contains($"({Environment.ProcessorCount} cores", text);
        Assert.Contains("✅ bytes ≤ 0", text);
        Assert.Contains("TorchSharp in a process of its own with its own defaults", text);
        Assert.Contains("| engine ms · threads | TorchSharp alone ms · threads | engine / TorchSharp | side by side · threads | engine GFLOP/s | of peak (peak GFLOP/s) |", text);
        Assert.StartsWith("# Title\n\n<!-- parity:bench:begin -->\n", text);
        Assert.EndsWith("<!-- parity:bench:end -->\n\nAfter.\n", text);
    }

    [Theory]
    [InlineData("--threads 0", "--threads takes a whole number from 1 to 256")]
    [InlineData("--min-time -1", "--min-time takes seconds from 0 to 600")]
    [InlineData("--repetitions 0", "--repetitions takes a whole number from 1 to 1000000")]
    [InlineData("--sweep batch=64", "--sweep takes batch=a,b,c or width=a,b,c with at least two different sizes")]
    [InlineData("--sweep depth=1,2", "'depth' is neither batch nor width")]
    [InlineData("--sweep batch=64,x", "'x' is not a size from 1 to 1000000")]
    [InlineData("--sweep batch", "--sweep takes batch=a,b,c or width=a,b,c")]
    public void Bad_options_exit_2_with_one_message(string options, string message)
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run(["bench", temp.File("small.yaml", SmallSpec), .. options.Split(' '), "--json", temp["bench.json"]]);

        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("", output);
        Assert.False(File.Exists(temp["bench.json"]));
    }

    [Fact]
    public void Bad_paths_exit_2_before_anything_is_timed()
    {
        using var temp = new TempFolder();
        var spec = temp.File("small.yaml", SmallSpec);

        var missing = Cli.Run("bench", temp["missing.yaml"]);
        Assert.Equal(2, missing.Exit);
        Assert.Contains("no such spec file", missing.Error);

        var noMarkers = Cli.Run("bench", spec, "--readme", temp.File("plain.md", "# no markers\n"));
        Assert.Equal(2, noMarkers.Exit);
        Assert.Contains("add the lines <!-- parity:bench:begin --> and <!-- parity:bench:end -->", noMarkers.Error);

        var jsonInFolder = Cli.Run("bench", spec, "--json", temp.Path);
        Assert.Equal(2, jsonInFolder.Exit);
        Assert.Contains("is a folder", jsonInFolder.Error);

        foreach (var run in new[] { missing, noMarkers, jsonInFolder })
            Assert.Equal("", run.Output);
    }

    [Fact]
    public void A_width_sweep_of_a_model_without_hidden_layers_is_refused()
    {
        using var temp = new TempFolder();
        var spec = temp.File("flat.yaml", SmallSpec.Replace("model: [linear: 16, tanh, linear: 8, relu, linear: 1]", "model: [linear: 1]"));
        var (exit, output, error) = Cli.Run("bench", spec, "--sweep", "width=4,8");

        Assert.Equal(2, exit);
        Assert.Contains("this model has none; sweep batch instead", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void The_built_in_bench_specs_load_and_declare_their_targets()
    {
        var specs = Spec.SpecLoader.LoadAll(Path.Combine(Repository.Root, "parity-tests", "bench"));

        Assert.Equal(["disk-mlp-f64-b1000", "fashion-cnn-f32-b64", "fashion-mlp-f32-b256", "fashion-mlp-f64-b256", "gpt-f32-b32"], specs.Select(s => s.Name));
        Assert.All(specs, s => Assert.Equal(0, s.Bench!.MaxAllocBytes));
        // Issue 26's targets, against TorchSharp at its best.
        Assert.Equal([0.3, 0.7, 0.8, 0.8, 1.0], specs.Select(s => s.Bench!.MaxRatio!.Value));
    }
}
