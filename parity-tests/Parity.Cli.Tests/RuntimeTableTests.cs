using Parity.Cli.Output;
using Parity.Harness.Benchmarks;
using Parity.Spec;

namespace Parity.Cli.Tests;

/// <summary>The runtime table names each bench workload's model as what it is, not by its dense widths alone, and gives the headline ratio with the range of its rounds. The counts: the CNN 160 + 4,640 + 200,832 + 1,290 parameters; the GPT 8,960 + 8,192 + 4 × 198,272 + 256 + 8,960.</summary>
public class RuntimeTableTests
{
    [Theory]
    [InlineData("disk-mlp-f64-b1000", "2-25-25-25-1")]
    [InlineData("fashion-mlp-f32-b256", "784-256-128-10")]
    [InlineData("fashion-cnn-f32-b64", "CNN: 2 convolutions, 206.9k parameters")]
    [InlineData("gpt-f32-b32", "transformer: 4 attention blocks, 819.5k parameters")]
    public void A_bench_workload_s_model_is_named_by_its_kind_and_size(string name, string model)
    {
        var spec = SpecLoader.Load(Path.Combine(Repository.Root, "parity-tests", "bench", $"{name}.yaml"));

        Assert.Equal(model, RuntimeTable.Model(spec));
    }

    [Fact]
    public void The_headline_ratio_is_the_median_round_s_with_the_lowest_and_highest_round_beside_it()
    {
        var spec = SpecLoader.Load(Path.Combine(Repository.Root, "parity-tests", "bench", "disk-mlp-f64-b1000.yaml"));
        // The engine's step 1 ms in every round, the reference's 2, 4 and 2.5: ratios 0.5, 0.25 and 0.4.
        var rounds = new[] { 2.0, 4.0, 2.5 }.Select(reference => new AloneRound(Alone(1.0), Alone(reference))).ToList();
        var side = new BenchmarkResult(spec, 1000, FlopCount.Of(spec, 1000), BenchTimings.TrainStep(1.0), BenchTimings.TrainStep(2.0));
        var result = new RuntimeResult(side, SideThreads.Both(2), rounds, new GemmPeak("float64", GemmPeak.SquareSize, 2, 100, "openblas"));
        var machine = new MachineReport("a CPU", 2, 0.1, "AVX2", "openblas", "Haswell", PackedKernel: false, PackedForAll: false);

        var table = RuntimeTable.Markdown([(result, [])], machine);

        Assert.Contains("| 0.40 (0.25–0.50) | 0.50 · 2/2 |", table);
        Assert.Contains("the lowest and the highest round's ratio in brackets", table);
        // One round has no range to give.
        Assert.Contains("| 0.50 | 0.50 · 2/2 |", RuntimeTable.Markdown([(result with { Rounds = [rounds[0]] }, [])], machine));
    }

    static AtBest Alone(double milliseconds) => new([new ThreadTiming(1, BenchTimings.TrainStep(milliseconds))]);
}
