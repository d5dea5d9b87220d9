using Parity.Harness.Checks;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// How long to measure. With <see cref="Repetitions"/>, exactly that many timed steps per backend
/// (after as many untimed ones); otherwise at least <see cref="MinSeconds"/> of timed steps per
/// backend, more until one more round moves the median by less than <see cref="StableWithin"/>, and at most
/// five times as long.
/// </summary>
public sealed record BenchmarkOptions(double MinSeconds = 2, int? Repetitions = null)
{
    public const double StableWithin = 0.01;
    public const int MaxTimesMinimum = 5;
}

/// <summary>Both backends' figures on one spec at one batch size, and their ratio.</summary>
public sealed record BenchmarkResult(ParitySpec Spec, int Rows, FlopCount Flops, BackendTiming Engine, BackendTiming Twin)
{
    /// <summary>engine.train_step / twin.train_step, medians.</summary>
    public double Ratio => Engine.TrainStep.MedianMs / Twin.TrainStep.MedianMs;
}

/// <summary>
/// Times the engine and the twin on a spec in one process: both load the same batch (the spec's
/// batch size, the first rows of epoch 1's order), then take training steps on it in alternating
/// rounds — so that a change in the machine's load falls on both alike — each phase timed on its own
/// where the engine allows it (<see cref="IStepTimer.For"/>). Steps keep updating the parameters, as
/// training does; the batch stays. <see cref="Alone"/> times one backend the same way, by itself.
/// </summary>
public sealed class BenchmarkRunner(BackendFactory engine, BackendFactory twin, BenchmarkOptions options)
{
    public BenchmarkResult Run(ParitySpec spec, Dataset data, IReadOnlyList<HostTensor> initial)
    {
        var batch = BatchOf(spec, data);
        var flops = FlopCount.Of(spec, batch.Rows);
        var model = ModelDescriptions.Describe(spec);
        using var engineBackend = engine(model, initial);
        using var twinBackend = twin(model, initial);
        var timings = Time([IStepTimer.For(engineBackend, batch), IStepTimer.For(twinBackend, batch)], flops, options);
        return new BenchmarkResult(spec, batch.Rows, flops, timings[0], timings[1]);
    }

    /// <summary>One backend's figures on the spec, timed with nothing else taking turns beside it.</summary>
    public static BackendTiming Alone(BackendFactory backend, BenchmarkOptions options, ParitySpec spec, Dataset data, IReadOnlyList<HostTensor> initial)
    {
        var batch = BatchOf(spec, data);
        using var created = backend(ModelDescriptions.Describe(spec), initial);
        return Time([IStepTimer.For(created, batch)], FlopCount.Of(spec, batch.Rows), options)[0];
    }

    /// <summary>The spec's batch size of rows from epoch 1's order, starting over when the training split is smaller.</summary>
    public static Batch BatchOf(ParitySpec spec, Dataset data)
    {
        var order = BatchOrder.ForEpoch(spec, 1, data.Train.Rows);
        var rows = Enumerable.Range(0, spec.Train.Batch).Select(i => order[i % order.Length]).ToArray();
        return Batches.ForStep(spec, data.Train, rows, 1, 0);
    }

    static BackendTiming[] Time(IStepTimer[] timers, FlopCount flops, BenchmarkOptions options)
    {
        var samples = options.Repetitions is { } repetitions ? Fixed(timers, repetitions) : UntilStable(timers, options);
        return [.. samples.Select(s => s.Summary(flops, Stable(s)))];
    }

    static PhaseSampler[] Fixed(IStepTimer[] timers, int repetitions)
    {
        foreach (var timer in timers)
            timer.WarmUp(repetitions);
        var samples = timers.Select(t => new PhaseSampler(t, repetitions)).ToArray();
        var round = Math.Max(1, repetitions / 4);
        while (!samples.All(s => s.Full))
            foreach (var sampler in samples)
                sampler.Record(round);
        return samples;
    }

    static PhaseSampler[] UntilStable(IStepTimer[] timers, BenchmarkOptions options)
    {
        // A first guess of each step's time sizes the rounds: about a tenth of the minimum time each.
        foreach (var timer in timers)
            timer.WarmUp(3);
        var rounds = timers.Select(RoundSteps).ToArray();

        // Warm-up in the same alternation as the timing: the JIT's second tier, caches and the thread pools settle.
        for (var round = 0; round < 4; round++)
            for (var i = 0; i < timers.Length; i++)
                timers[i].WarmUp(rounds[i]);

        var most = options.MinSeconds * BenchmarkOptions.MaxTimesMinimum;
        var samples = timers.Select((t, i) => new PhaseSampler(t, Capacity(rounds[i]))).ToArray();
        while (!samples.All(Settled))
        {
            for (var i = 0; i < samples.Length; i++)
                samples[i].Record(rounds[i]);
            if (samples.All(s => s.Seconds >= most) || samples.Any(s => s.Full))
                break;
        }
        return samples;

        int RoundSteps(IStepTimer timer)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            timer.WarmUp(5);
            var stepSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds / 5;
            return (int)Math.Clamp(options.MinSeconds / 10 / stepSeconds, 1, 100_000);
        }

        // Enough for the longest run, at one round a tenth of the minimum time: ten rounds per minimum, plus a margin for steps faster than the guess.
        static int Capacity(int round) => (int)Math.Min(4L * round * 10 * BenchmarkOptions.MaxTimesMinimum, 4_000_000);

        bool Settled(PhaseSampler samples) => samples.Seconds >= options.MinSeconds && Stable(samples);
    }

    /// <summary>Whether the last round moved the median by less than <see cref="BenchmarkOptions.StableWithin"/>: judged again on the final samples, whichever way the run ended.</summary>
    static bool Stable(PhaseSampler samples) => samples.Stable(BenchmarkOptions.StableWithin);
}
