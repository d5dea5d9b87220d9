namespace Parity.Harness.Benchmarks;

/// <summary>One backend timed alone on <see cref="Threads"/> threads.</summary>
public sealed record ThreadTiming(int Threads, BackendTiming Timing);

/// <summary>
/// One backend timed alone at each thread count it was tried on, in <see cref="Rounds"/> rounds; its best is
/// the fastest median training step.
/// </summary>
public sealed record AtBest(IReadOnlyList<ThreadTiming> Counts, int Rounds = 1)
{
    public ThreadTiming Best => Counts.Count > 0
        ? Counts.MinBy(c => c.Timing.TrainStep.MedianMs)!
        : throw new InvalidOperationException("no thread count was timed");

    /// <summary>Times <paramref name="alone"/> at each count from 1 to <paramref name="cores"/>, in that order.</summary>
    public static AtBest Measure(int cores, Func<int, BackendTiming> alone) =>
        new([.. Enumerable.Range(1, cores).Select(threads => new ThreadTiming(threads, alone(threads)))]);

    /// <summary>Each thread count's fastest timing over several rounds of <see cref="Measure"/>.</summary>
    public static AtBest Fastest(IReadOnlyList<AtBest> rounds) =>
        new([.. rounds.SelectMany(round => round.Counts).GroupBy(count => count.Threads).OrderBy(counts => counts.Key)
            .Select(counts => counts.MinBy(count => count.Timing.TrainStep.MedianMs)!)], rounds.Sum(round => round.Rounds));
}

/// <summary>
/// A spec's runtime as <c>parity bench</c> reports it: the engine and the reference side by side (as check and
/// train run them), each alone at its best thread count, and the machine's product peak for the spec's dtype.
/// </summary>
public sealed record RuntimeResult(BenchmarkResult SideBySide, SideThreads SideBySideThreads, AtBest Engine, AtBest Reference, GemmPeak Peak)
{
    /// <summary>The headline: the engine's best training step over the reference's best, each timed alone.</summary>
    public double Ratio => Engine.Best.Timing.TrainStep.MedianMs / Reference.Best.Timing.TrainStep.MedianMs;

    /// <summary>The engine's GFLOP/s at its best as a fraction of the product peak.</summary>
    public double EngineOfPeak => Engine.Best.Timing.Gflops / Peak.Gflops;

    public double ReferenceOfPeak => Reference.Best.Timing.Gflops / Peak.Gflops;
}
