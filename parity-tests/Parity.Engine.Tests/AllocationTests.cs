using Parity.Engine.Numerics;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;

namespace Parity.Engine.Tests;

/// <summary>
/// Tests that set the engine's thread count (process-wide) run alone, so that no other test's
/// batches are split, or not, behind its back.
/// </summary>
[CollectionDefinition(nameof(EngineThreads), DisableParallelization = true)]
public sealed class EngineThreads;

/// <summary>
/// A steady-state training step allocates nothing, whatever the spec's layers, loss, optimizer and
/// clipping, in float64 and float32, on the calling thread alone or split across threads. An
/// allocation count, not a timing.
/// </summary>
[Collection(nameof(EngineThreads))]
public class AllocationTests
{
    public static TheoryData<string, string> Specs => new()
    {
        { "float64", "model: [linear: 16, relu, linear: 8, {leaky-relu: {slope: 0.1}}, linear: 6, tanh, linear: 2]\nloss: cross-entropy\noptimizer: {sgd: {lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.01}}\nclip: {norm: 1.0}" },
        { "float32", "model: [linear: 16, relu, linear: 8, {leaky-relu: {slope: 0.1}}, linear: 6, tanh, linear: 2]\nloss: cross-entropy\noptimizer: {sgd: {lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.01}}\nclip: {norm: 1.0}" },
        { "float64", "model: [linear: 12, sigmoid, linear: 6, softmax, linear: 2]\nloss: {kind: mse, reduction: sum}\ntargets: one-hot\noptimizer: {sgd: {lr: 0.05, momentum: 0.5, dampening: 0.3}}\nclip: {value: 0.5}" },
        { "float32", "model: [linear: 12, sigmoid, linear: 6, softmax, linear: 2]\nloss: {kind: mse, reduction: sum}\ntargets: one-hot\noptimizer: {sgd: {lr: 0.05, momentum: 0.5, dampening: 0.3}}\nclip: {value: 0.5}" },
        { "float64", "model: [linear: 8, tanh, linear: 1, sigmoid]\nloss: bce\noptimizer: {sgd: {lr: 0.1}}" },
        { "float32", "model: [linear: {out: 8, bias: false}, identity, linear: 1]\nloss: bce-with-logits\noptimizer: {sgd: {lr: 0.1, weight_decay: 0.001}}" },
        { "float64", "model: [linear: 8, tanh, linear: 2]\nloss: cross-entropy\noptimizer: {adam: {lr: 0.01, weight_decay: 0.01, amsgrad: true}}" },
        { "float32", "model: [linear: 8, tanh, linear: 2]\nloss: cross-entropy\noptimizer: {adamw: {lr: 0.01}}\nclip: {norm: 1.0}" },
        { "float64", "model: [linear: 8, tanh, linear: 2]\nloss: cross-entropy\noptimizer: {rmsprop: {weight_decay: 0.01, momentum: 0.9, centered: true}}" },
        { "float32", "model: [linear: 8, tanh, linear: 2]\nloss: cross-entropy\noptimizer: {adagrad: {lr_decay: 0.01, weight_decay: 0.01}}" },
        { "float32", "model: [linear: 8, relu, {dropout: {p: 0.5}}, linear: 1]\nloss: {kind: huber, delta: 0.5}\noptimizer: {sgd: {lr: 0.1}}" },
        // 67,000 values: split, the parts' gradients are summed and Adam's blocks updated on both threads
        { "float32", "model: [linear: 256, relu, linear: 256, relu, linear: 2]\nloss: cross-entropy\noptimizer: {adam: {lr: 0.001}}" },
    };

    /// <summary>Models whose rows are coupled by batch statistics: their step runs on one thread, unsplit.</summary>
    public static TheoryData<string, string> BatchStatisticsSpecs => new()
    {
        { "float64", "model: [linear: 8, batch-norm1d, relu, {dropout: {p: 0.3}}, linear: 2]\nloss: cross-entropy\noptimizer: {sgd: {lr: 0.1, momentum: 0.9}}" },
    };

    [Theory, MemberData(nameof(BatchStatisticsSpecs))]
    public void A_step_on_batch_statistics_is_not_split_and_allocates_nothing(string dtype, string body) => OnBlasThreads(2, () =>
    {
        var (backend, batch) = Setup(dtype, body, rows: 512);
        using (backend)
        {
            Assert.Equal(0, BytesPerSteps(backend, batch, steps: 20));
            Assert.Equal(1, LoadedParts(backend));
        }
    });

    /// <summary>Runs the test with the engine's BLAS and row split on that many threads, and gives back the count it had.</summary>
    static void OnBlasThreads(int threads, Action test)
    {
        var before = Gemm.Threads;
        try
        {
            Gemm.SetThreads(threads);
            test();
        }
        finally
        {
            Gemm.SetThreads(before);
        }
    }

    static (IBackend Backend, Batch Batch) Setup(string dtype, string body, int rows)
    {
        var spec = SpecLoader.Parse($"name: allocations\nseed: 3\ndtype: {dtype}\ndata: {{source: disk, train: 600}}\n{body}\ntrain: {{epochs: 1, batch: {rows}}}\n", "allocations.yaml");
        var data = DatasetLoader.Load(spec);
        var batch = Batches.ForStep(spec, data.Train, Enumerable.Range(0, rows).ToArray(), 1, 0);
        return (EngineBackend.Create(ModelDescriptions.Describe(spec), InitialParameters.Create(spec)), batch);
    }

    static int LoadedParts(IBackend backend) => ((ISplitTraining)backend).LoadedParts;

    static long BytesPerSteps(IBackend backend, Batch batch, int steps)
    {
        // The first steps make the buffers (and run the JIT); from then on, the same shapes reuse them.
        for (var i = 0; i < 5; i++)
            backend.TrainStep(batch);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < steps; i++)
            backend.TrainStep(batch);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory, MemberData(nameof(Specs))]
    public void A_steady_state_train_step_allocates_nothing(string dtype, string body) => OnBlasThreads(1, () =>
    {
        var (backend, batch) = Setup(dtype, body, rows: 50);
        using (backend)
            Assert.Equal(0, BytesPerSteps(backend, batch, steps: 20));
    });

    [Theory, MemberData(nameof(Specs))]
    public void A_train_step_split_across_threads_allocates_nothing_either(string dtype, string body) => OnBlasThreads(2, () =>
    {
        var (backend, batch) = Setup(dtype, body, rows: 512);
        using (backend)
            AssertSplitAllocatesNothing(backend, batch);
    });

    /// <summary>A small GPT (<see cref="TinyGpt"/>, attention dropout on) trained with AdamW, from a hand-written description.</summary>
    static (IBackend Backend, Batch Batch) SetupGpt(string dtype, int rows)
    {
        var random = new Random(3);
        var model = TinyGpt.Describe(dtype, attentionDropout: 0.1);
        return (EngineBackend.Create(model, FlatModel.RandomParameters(model, random)), TinyGpt.Batch(model, rows, random));
    }

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void A_steady_state_step_of_a_small_gpt_allocates_nothing(string dtype) => OnBlasThreads(1, () =>
    {
        var (backend, batch) = SetupGpt(dtype, rows: 50);
        using (backend)
            Assert.Equal(0, BytesPerSteps(backend, batch, steps: 20));
    });

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void A_step_of_a_small_gpt_split_across_threads_allocates_nothing_either(string dtype) => OnBlasThreads(2, () =>
    {
        // 64 rows of 5 positions make parts.
        var (backend, batch) = SetupGpt(dtype, rows: 64);
        using (backend)
            AssertSplitAllocatesNothing(backend, batch);
    });

    static void AssertSplitAllocatesNothing(IBackend backend, Batch batch)
    {
        Assert.Equal(0, BytesPerSteps(backend, batch, steps: 20));
        // Four parts, or two of a large step (RowSplit.OnePartPerThreadWork): split either way.
        Assert.True(LoadedParts(backend) > 1, $"{LoadedParts(backend)} part: the step was not split");
        // Each of the engine's other threads counts its own bytes after each phase (the process-wide
        // count would also hold whatever the test runner allocates meanwhile). The pauses let them
        // record their last phase: a late record can only hide bytes, never add some.
        Thread.Sleep(100);
        var before = OtherThreadsAllocated(backend);
        for (var i = 0; i < 20; i++)
            backend.TrainStep(batch);
        Thread.Sleep(100);
        Assert.Equal(0, OtherThreadsAllocated(backend) - before);
    }

    static long OtherThreadsAllocated(IBackend backend) => ((ISplitTraining)backend).AllocatedOnOtherThreads;
}
