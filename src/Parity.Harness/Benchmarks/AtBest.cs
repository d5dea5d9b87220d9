namespace Parity.Harness.Benchmarks;

/// <summary>One backend timed alone on <see cref="Threads"/> threads.</summary>
public sealed record ThreadTiming(int Threads, BackendTiming Timing);

/// <summary>One backend timed alone at each thread count it was tried on; its best is the fastest median training step.</summary>
public sealed record AtBest(IReadOnlyList<ThreadTiming> Counts)
{
    public ThreadTiming Best => Counts.Count > 0
        ? Counts.MinBy(c => c.Timing.TrainStep.MedianMs)!
        : throw new InvalidOperationException("no thread count was timed");

    /// <summary>Times <paramref name="alone"/> at each count from 1 to <paramref name="cores"/>, in that order.</summary>
    public static AtBest Measure(int cores, Func<int, BackendTiming> alone) =>
        new([.. Enumerable.Range(1, cores).Select(threads => new ThreadTiming(threads, alone(threads)))]);
}

/// <summary>One round of timing each side alone, the engine then the reference, minutes apart at most.</summary>
public sealed record AloneRound(AtBest Engine, AtBest Reference)
{
    /// <summary>The engine's best training step over the reference's best in this round.</summary>
    public double Ratio => Engine.Best.Timing.TrainStep.MedianMs / Reference.Best.Timing.TrainStep.MedianMs;
}

/// <summary>
/// A spec's runtime as <c>parity bench</c> reports it: the engine and the reference side by side (as check and
/// train run them), each alone at its best thread count in <see cref="Rounds"/> that alternate them, and the
/// machine's product peak for the spec's dtype.
/// </summary>
public sealed record RuntimeResult(BenchmarkResult SideBySide, SideThreads SideBySideThreads, IReadOnlyList<AloneRound> Rounds, GemmPeak Peak)
{
    /// <summary>
    /// The round whose ratio is the median (the lower of the middle two in an even count). Each ratio is of two
    /// timings taken one after the other, so a machine that drifts between a faster and a slower state (the same
    /// engine's GPT step alone read 71 and 115 ms within an hour here) moves both; the bests of each side over all the
    /// rounds, the headline before this, could pair an engine's fast minute with the reference's slow one.
    /// </summary>
    public AloneRound Median => Rounds.Count > 0
        ? Rounds.OrderBy(round => round.Ratio).ElementAt((Rounds.Count - 1) / 2)
        : throw new InvalidOperationException("no round was timed");

    public AtBest Engine => Median.Engine;

    public AtBest Reference => Median.Reference;

    /// <summary>The headline: the engine's best training step over the reference's best, each timed alone, in the median round.</summary>
    public double Ratio => Median.Ratio;

    /// <summary>The lowest and the highest of the rounds' ratios: how far the machine moved the headline within one run.</summary>
    public (double Lowest, double Highest) RatioRange => Rounds.Count > 0
        ? (Rounds.Min(round => round.Ratio), Rounds.Max(round => round.Ratio))
        : throw new InvalidOperationException("no round was timed");

    /// <summary>The engine's GFLOP/s at its best as a fraction of the product peak.</summary>
    public double EngineOfPeak => Engine.Best.Timing.Gflops / Peak.Gflops;

    public double ReferenceOfPeak => Reference.Best.Timing.Gflops / Peak.Gflops;
}
