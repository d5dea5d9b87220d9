using Parity.Engine.Numerics;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;

namespace Parity.Engine.Tests;

/// <summary>
/// A training step split across threads computes what the step on one thread does, up to the order
/// of the sums (each part's gradient, then their weighted sum); and which batches are split.
/// </summary>
[Collection(nameof(EngineThreads))]
public class RowSplitTests
{
    static ParitySpec Spec(string dtype, string loss, int batch, int width = 25, string clip = "") => SpecLoader.Parse($"""
        name: row-split
        seed: 8
        dtype: {dtype}
        data: {"{"}source: disk, train: 1000{"}"}
        model: [linear: {width}, relu, linear: 25, tanh, linear: 2]
        loss: {loss}
        targets: {(loss == "cross-entropy" ? "indices" : "one-hot")}
        optimizer: {"{"}sgd: {"{"}lr: 0.1, momentum: 0.9{"}"}{"}"}
        train: {"{"}epochs: 1, batch: {batch}{"}"}
        {clip}
        """, "row-split.yaml");

    /// <summary>Ten steps on ten batches, with the engine on <paramref name="threads"/> threads: the losses and the parameters after.</summary>
    static (double[] Losses, double[] Parameters, int Parts) Train(ParitySpec spec, int threads)
    {
        var before = Gemm.Threads;
        try
        {
            Gemm.SetThreads(threads);
            var data = DatasetLoader.Load(spec);
            using var backend = EngineBackend.Create(ModelDescriptions.Describe(spec), InitialParameters.Create(spec));
            var order = BatchOrder.ForEpoch(spec, 1, data.Train.Rows);
            var losses = new double[10];
            var parts = 0;
            for (var step = 0; step < losses.Length; step++)
            {
                var rows = Enumerable.Range(0, spec.Train.Batch).Select(i => order[(step * spec.Train.Batch + i) % order.Length]).ToArray();
                losses[step] = backend.TrainStep(Batches.Gather(data.Train, rows, spec.TargetEncoding, spec.Shape.Classes ?? 0));
                parts = ((ISplitTraining)backend).LoadedParts;
            }
            return (losses, backend.GetParameters().SelectMany(p => p.Data).ToArray(), parts);
        }
        finally
        {
            Gemm.SetThreads(before);
        }
    }

    [Theory]
    [InlineData("float64", "cross-entropy", 1000, 1e-13)]
    [InlineData("float64", "mse", 333, 1e-13)]
    [InlineData("float32", "cross-entropy", 512, 1e-5)]
    public void A_split_step_computes_the_one_thread_step_up_to_rounding(string dtype, string loss, int batch, double tolerance)
    {
        var spec = Spec(dtype, loss, batch);

        var alone = Train(spec, threads: 1);
        var split = Train(spec, threads: 2);

        AssertSplit(alone, split, 4, tolerance);
    }

    /// <summary>
    /// Clipping by the global norm needs every part's gradient summed before any value is updated, so a clipped
    /// split step sums first and updates after, on the calling thread (25 wide) or on every thread (4096 wide).
    /// A norm of 0.01 clips every step.
    /// </summary>
    [Theory]
    [InlineData(25, 4)]
    [InlineData(4096, 2)]
    public void A_clipped_split_step_computes_the_one_thread_step_up_to_rounding(int width, int parts)
    {
        var spec = Spec("float64", "cross-entropy", 1000, width, clip: "clip: {norm: 0.01}");

        var alone = Train(spec, threads: 1);
        var split = Train(spec, threads: 2);

        AssertSplit(alone, split, parts, 1e-13);
    }

    [Fact]
    public void A_split_step_of_a_wide_model_sums_the_parts_gradients_on_every_thread_up_to_rounding()
    {
        // 2 → 4096 → 25 → 2: 115,000 gradient values, summed across the parts in blocks that both threads take;
        // a large step, in one part per thread.
        var spec = Spec("float64", "cross-entropy", 1000, width: 4096);

        var alone = Train(spec, threads: 1);
        var split = Train(spec, threads: 2);

        AssertSplit(alone, split, 2, 1e-13);
    }

    [Fact]
    public void Split_steps_come_out_the_same_bits_run_after_run_on_a_busy_machine()
    {
        // 67,000 values: every step hands out parts (one per thread, a large step), merge blocks and Adam's blocks in turn, three counts.
        // Two threads spinning beside it take the cores away at random moments; with the phase's count
        // read apart from the ticket, a thread late from one phase ran an item of the next twice, and
        // 40 such runs under three busy loops gave 4 different results.
        var spec = SpecLoader.Parse("""
            name: busy
            seed: 3
            dtype: float32
            data: {source: disk, train: 600}
            model: [linear: 256, relu, linear: 256, relu, linear: 2]
            loss: cross-entropy
            optimizer: {adam: {lr: 0.001}}
            train: {epochs: 1, batch: 512}
            """, "busy.yaml");
        var data = DatasetLoader.Load(spec);
        var batch = Batches.Gather(data.Train, Enumerable.Range(0, 512).ToArray(), spec.TargetEncoding, spec.Shape.Classes ?? 0);
        var before = Gemm.Threads;
        using var stop = new CancellationTokenSource();
        var busy = Enumerable.Range(0, 2).Select(_ => new Thread(() => { while (!stop.IsCancellationRequested) Thread.SpinWait(1000); }) { IsBackground = true }).ToArray();
        foreach (var thread in busy)
            thread.Start();
        try
        {
            Gemm.SetThreads(2);
            var results = new HashSet<string>();
            for (var run = 0; run < 12; run++)
            {
                using var backend = EngineBackend.Create(ModelDescriptions.Describe(spec), InitialParameters.Create(spec));
                for (var step = 0; step < 200; step++)
                    backend.TrainStep(batch);
                Assert.Equal(2, ((ISplitTraining)backend).LoadedParts);
                results.Add(Convert.ToHexString(backend.GetParameters().SelectMany(p => p.Data).SelectMany(BitConverter.GetBytes).ToArray()));
            }
            Assert.Single(results);
        }
        finally
        {
            stop.Cancel();
            foreach (var thread in busy)
                thread.Join();
            Gemm.SetThreads(before);
        }
    }

    [Fact]
    public void A_split_convolution_step_computes_the_one_thread_step_up_to_rounding()
    {
        // Fashion-MNIST's images through both image layers; at batch 64 each of the four parts has
        // 16 images, 16·14·14 columns in the second convolution's product.
        var spec = SpecLoader.Parse("""
            name: row-split-cnn
            seed: 8
            dtype: float32
            data: {source: fashion-mnist, train: 640, test: 10}
            model: [unflatten: [1, 28, 28], conv2d: {out: 4, kernel: 3, padding: 1}, relu, max-pool2d: {kernel: 2}, conv2d: {out: 8, kernel: 3, padding: 1}, relu, max-pool2d: {kernel: 2}, flatten, linear: 10]
            loss: cross-entropy
            optimizer: {sgd: {lr: 0.05, momentum: 0.9}}
            train: {epochs: 1, batch: 64}
            """, "row-split-cnn.yaml");

        var alone = Train(spec, threads: 1);
        var split = Train(spec, threads: 2);

        AssertSplit(alone, split, 4, 1e-5);
    }

    [Theory]
    [InlineData("float64", 1e-13)]
    [InlineData("float32", 1e-5)]
    public void A_split_gpt_step_computes_the_one_thread_step_up_to_rounding(string dtype, double tolerance)
    {
        // Each part ignores a different number of target positions: its share of the mean is its positions scored, not its rows.
        // SGD, not Adam: the key bias's gradient is 0 but for rounding (softmax ignores a shift shared by a row's scores), which Adam's step would scale up to lr.
        var alone = TrainGpt(dtype, threads: 1);
        var split = TrainGpt(dtype, threads: 2);

        AssertSplit(alone, split, 4, tolerance);
    }

    /// <summary>Ten SGD steps of <see cref="TinyGpt"/> (attention dropout on) on ten batches of 64 rows, on <paramref name="threads"/> threads.</summary>
    static (double[] Losses, double[] Parameters, int Parts) TrainGpt(string dtype, int threads)
    {
        var before = Gemm.Threads;
        try
        {
            Gemm.SetThreads(threads);
            var random = new Random(9);
            var model = TinyGpt.Describe(dtype, attentionDropout: 0.1, sgd: true);
            using var backend = EngineBackend.Create(model, FlatModel.RandomParameters(model, random));
            var losses = Enumerable.Range(0, 10).Select(_ => backend.TrainStep(TinyGpt.Batch(model, 64, random))).ToArray();
            var parts = ((ISplitTraining)backend).LoadedParts;
            return (losses, backend.GetParameters().SelectMany(p => p.Data).ToArray(), parts);
        }
        finally
        {
            Gemm.SetThreads(before);
        }
    }

    /// <summary>The two-thread run took <paramref name="parts"/> parts, the one-thread run none, and both computed the same losses and parameters within <paramref name="tolerance"/>.</summary>
    static void AssertSplit((double[] Losses, double[] Parameters, int Parts) alone, (double[] Losses, double[] Parameters, int Parts) split, int parts, double tolerance)
    {
        Assert.Equal(1, alone.Parts);
        Assert.Equal(parts, split.Parts);
        for (var i = 0; i < alone.Losses.Length; i++)
            Assert.Equal(alone.Losses[i], split.Losses[i], tolerance * Math.Abs(alone.Losses[i]));
        var scale = alone.Parameters.Max(Math.Abs);
        for (var i = 0; i < alone.Parameters.Length; i++)
            Assert.True(Math.Abs(alone.Parameters[i] - split.Parameters[i]) <= tolerance * scale, $"parameter {i}: {alone.Parameters[i]} alone, {split.Parameters[i]} split");
    }

    [Theory]
    [InlineData(1000, 312, 2, 4)]       // the disk MLP's size at batch 1000: four parts on two threads
    [InlineData(1000, 312, 1, 1)]       // one thread: nothing to split onto
    [InlineData(100, 312, 2, 1)]        // too few rows for two parts of 64
    [InlineData(200, 312, 2, 3)]        // three parts of 64 rows or more
    [InlineData(1000, 999, 2, 4)]       // 3,997 gradient values times 1,000 rows: just below a large step
    [InlineData(1000, 1000, 2, 2)]      // 4,001 values: a large step, one part per thread
    [InlineData(256, 100_352, 2, 2)]    // the Fashion-MNIST MLP's largest product: two copies of 3.2 MB of gradients fit the cache
    [InlineData(256, 400_000, 2, 2)]    // two copies of 12.8 MB too
    [InlineData(256, 1_000_000, 2, 1)]  // two copies of 32 MB do not: the BLAS's own threads
    public void Batches_are_split_while_their_gradient_copies_fit_the_cache_and_a_large_step_in_one_part_per_thread(int rows, int width, int threads, int parts) =>
        Assert.Equal(parts, RowSplitRule(rows, width, threads));

    static int RowSplitRule(int rows, int width, int threads)
    {
        // The rule is the engine's own (internal); reach it through a backend of one hidden layer that wide, 2 → width → 1, in float64.
        var spec = SpecLoader.Parse($"name: rule\nseed: 1\ndata: {{source: disk, train: {rows}}}\nmodel: [linear: {width}, linear: 1]\nloss: mse\noptimizer: {{sgd: {{lr: 0.1}}}}\ntrain: {{epochs: 1, batch: {rows}}}\n", "rule.yaml");
        var before = Gemm.Threads;
        try
        {
            Gemm.SetThreads(threads);
            var data = DatasetLoader.Load(spec);
            using var backend = (EngineBackend<double>)EngineBackend.Create(ModelDescriptions.Describe(spec), InitialParameters.Create(spec));
            backend.Load(Batches.Gather(data.Train, Enumerable.Range(0, rows).ToArray(), spec.TargetEncoding, 0));
            return backend.LoadedParts;
        }
        finally
        {
            Gemm.SetThreads(before);
        }
    }
}
