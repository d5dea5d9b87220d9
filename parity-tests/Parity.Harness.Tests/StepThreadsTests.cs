using Parity.Harness.Benchmarks;
using Parity.Spec;

namespace Parity.Harness.Tests;

/// <summary>The thread count each spec runs on without --threads, a best among thread counts, and the product peak's arithmetic; no timing is judged.</summary>
public class StepThreadsTests
{
    static ParitySpec Spec(string model, int batch) => SpecLoader.Parse($$$"""
        name: threads
        seed: 1
        data: {source: disk, train: 100}
        model: {{{model}}}
        loss: mse
        optimizer: {sgd: {lr: 0.1}}
        train: {epochs: 1, batch: {{{batch}}}}
        """, "threads.yaml");

    [Fact]
    public void A_small_step_runs_in_turn_the_reference_on_one_thread_and_a_large_one_at_once_the_cores_shared_out()
    {
        // 2 → 25 → 1 at batch 1000: about 0.5 MFLOP per step; 2 → 1024 → 1024 → 1 at batch 1000: about 6.3 GFLOP.
        var small = Spec("[linear: 25, relu, linear: 1]", 1000);
        var large = Spec("[linear: 1024, relu, linear: 1024, relu, linear: 1]", 1000);

        Assert.Equal(new SideThreads(8, 1), StepThreads.For(small, cores: 8));
        Assert.False(StepThreads.AtOnce(small, new SideThreads(1, 1), cores: 8));
        Assert.Equal(new SideThreads(4, 4), StepThreads.For(large, cores: 8));
        Assert.True(StepThreads.AtOnce(large, new SideThreads(4, 4), cores: 8));
        Assert.Equal(new SideThreads(1, 1), StepThreads.For(large, cores: 2));
        Assert.Equal(new SideThreads(1, 1), StepThreads.For(large, cores: 1));
        Assert.False(StepThreads.AtOnce(large, new SideThreads(1, 1), cores: 1));
        Assert.Contains("It ran on 8 threads for the engine, 1 thread for the reference, the two sides taking turns, the counts Parity takes", StepThreads.Explain(small, 8, new SideThreads(8, 1)));
        Assert.Contains("It ran on 1 thread each, the two sides taking each lockstep step, evaluation chunk and finite difference at once, the counts Parity takes", StepThreads.Explain(large, 2, new SideThreads(1, 1)));
        Assert.Contains("It ran on 2 threads, the two sides taking turns, as --threads set", StepThreads.Explain(small, 8, SideThreads.Both(2)));
    }

    [Fact]
    public void The_sides_step_at_once_from_a_step_of_many_operations_when_their_threads_fit_the_cores()
    {
        const string model = "[linear: 64, relu, linear: 1]";
        var rows = Enumerable.Range(1, 8192).First(r => FlopCount.Of(Spec(model, r), r).TrainStep >= StepThreads.ManyOperationsToOverlap);

        Assert.Equal(new SideThreads(4, 1), StepThreads.For(Spec(model, rows - 1), cores: 4));
        Assert.Equal(new SideThreads(3, 1), StepThreads.For(Spec(model, rows), cores: 4));
        Assert.False(StepThreads.AtOnce(Spec(model, rows - 1), new SideThreads(1, 1), cores: 4));
        Assert.True(StepThreads.AtOnce(Spec(model, rows), new SideThreads(2, 2), cores: 4));
        Assert.False(StepThreads.AtOnce(Spec(model, rows), new SideThreads(3, 2), cores: 4));
    }

    [Fact]
    public void The_boundary_is_the_operations_per_layer_so_the_same_step_over_more_layers_stays_on_one_thread()
    {
        const string model = "[linear: 512, relu, linear: 512, relu, linear: 1]";
        // The model crosses it by its batch alone: 2·rows·(2·w + w·w + w) + … grows with the rows.
        var rows = Enumerable.Range(1, 8192).First(r => FlopCount.Of(Spec(model, r), r).TrainStep / 5 >= StepThreads.ManyOperationsPerLayer);
        // The same products with five more layers in between: each of its calls shorter, as a transformer's are.
        const string deeper = "[linear: 512, relu, identity, identity, linear: 512, relu, identity, identity, identity, linear: 1]";

        Assert.Equal(1, StepThreads.For(Spec(model, rows - 1), cores: 4).Reference);
        Assert.Equal(2, StepThreads.For(Spec(model, rows), cores: 4).Reference);
        Assert.Equal(1, StepThreads.For(Spec(deeper, rows), cores: 4).Reference);
        Assert.Contains("over 10 layers", StepThreads.Explain(Spec(deeper, rows), 4, new SideThreads(3, 1)));
    }

    [Fact]
    public void A_side_at_its_best_is_its_fastest_thread_count_and_the_ratio_is_of_the_bests()
    {
        var engine = AtBest.Measure(3, threads => BenchTimings.TrainStep(new[] { 3.0, 2.0, 2.5 }[threads - 1]));
        var reference = new AtBest([new ThreadTiming(1, BenchTimings.TrainStep(4)), new ThreadTiming(2, BenchTimings.TrainStep(8))]);
        var side = new BenchmarkResult(Spec("[linear: 1]", 10), 10, new FlopCount(1, 1, 1), BenchTimings.TrainStep(2), BenchTimings.TrainStep(8));
        var result = new RuntimeResult(side, SideThreads.Both(2), [new AloneRound(engine, reference)], new GemmPeak("float64", 1024, 2, 2, "OpenBLAS Haswell"));

        Assert.Equal([1, 2, 3], engine.Counts.Select(c => c.Threads));
        Assert.Equal(2, engine.Best.Threads);
        Assert.Equal(1, reference.Best.Threads);
        Assert.Equal(2.0 / 4, result.Ratio);
        Assert.Equal(0.25, side.Ratio);
        // GFLOP/s 1/2 and 1/4 of a peak of 2.
        Assert.Equal(0.25, result.EngineOfPeak, 12);
        Assert.Equal(0.125, result.ReferenceOfPeak, 12);
    }

    [Fact]
    public void The_headline_is_the_round_of_median_ratio_not_each_side_s_fastest_round()
    {
        static AloneRound Round(double engine, double reference) =>
            new(new AtBest([new ThreadTiming(1, BenchTimings.TrainStep(engine)), new ThreadTiming(2, BenchTimings.TrainStep(engine + 1))]), new AtBest([new ThreadTiming(2, BenchTimings.TrainStep(reference))]));
        // A fast minute for both sides, a slow one for both, and one between: each side's fastest would pair 1 with 4.
        var (fast, slow, between) = (Round(1, 2), Round(3, 4), Round(2, 3));
        var side = new BenchmarkResult(Spec("[linear: 1]", 10), 10, new FlopCount(1, 1, 1), BenchTimings.TrainStep(2), BenchTimings.TrainStep(8));
        var peak = new GemmPeak("float64", 1024, 2, 2, "OpenBLAS Haswell");

        var result = new RuntimeResult(side, SideThreads.Both(2), [fast, slow, between], peak);

        Assert.Same(between, result.Median);
        Assert.Equal(2.0 / 3, result.Ratio, 12);
        Assert.Equal(2, result.Engine.Best.Timing.TrainStep.MedianMs);
        Assert.Equal(3, result.Reference.Best.Timing.TrainStep.MedianMs);
        // An even count takes the lower of the middle two.
        Assert.Same(fast, new RuntimeResult(side, SideThreads.Both(2), [slow, fast], peak).Median);
    }

    [Fact]
    public void The_peak_counts_2_n_cubed_operations_per_product_at_the_fastest_call()
    {
        var calls = 0;
        var one = GemmPeak.Measure("float32", 64, 2, "one", 1, () => calls++, minSeconds: 0);
        var two = GemmPeak.Measure("float32", 64, 2, "two", 2, () => Thread.Sleep(1), minSeconds: 0);

        // Three untimed products, then at least one timed.
        Assert.True(calls >= 4);
        Assert.True(one.Gflops > 2.0 * 64 * 64 * 64 / 1e9, $"{one.Gflops}");
        Assert.Equal(("float32", 64, 2, "one"), (one.DType, one.Size, one.Threads, one.Kernel));
        // Two products in a call of at least a millisecond: at most 2·2·64³ operations in a millisecond.
        Assert.InRange(two.Gflops, 0, 2 * 2.0 * 64 * 64 * 64 / 1e6);
        Assert.Same(one, GemmPeak.Faster(one, two));
    }
}
