using System.Globalization;
using Parity.Spec;

namespace Parity.Harness.Benchmarks;

/// <summary>The threads each side of a run takes: the engine's (its BLAS and its own) and the reference's (TorchSharp's intra-op threads).</summary>
public sealed record SideThreads(int Engine, int Reference)
{
    public static SideThreads Both(int threads) => new(threads, threads);

    public override string ToString() => Engine == Reference ? Plural(Engine) : $"{Plural(Engine)} for the engine, {Plural(Reference)} for the reference";

    static string Plural(int n) => n == 1 ? "1 thread" : $"{n} threads";
}

/// <summary>
/// The thread counts a spec's training step runs fastest on, each side its own, from a model of the work
/// rather than a measurement: a measured choice would move with the machine's load from run to run, and
/// with it the last bits of results that depend on how the work is split. The two sides take turns, so
/// each may use every core while it runs.
/// <list type="bullet">
/// <item>The reference takes every core for a step of at least <see cref="ManyOperations"/>, one thread
/// below: a small step is a long row of short libtorch calls, each too short to share, and waking
/// OpenMP's threads for each costs more than it saves (a 20,000-step disk soak: 4.05 s on one thread,
/// 17.06 s on two; the Fashion MLP, 259 MFLOP a step, runs alone in 3.8 ms on one and 1.9 ms on two).</item>
/// <item>The engine takes every core: it decides itself how much of them a step uses — a step too small
/// to split runs on one (RowSplit's parts, the BLAS's own thresholds) — and the disk MLP's 8 MFLOP step,
/// split by rows, ran alone in 0.138 ms on two against 0.257 on one (one parity bench run).</item>
/// </list>
/// </summary>
public static class StepThreads
{
    /// <summary>The operations per training step (<see cref="FlopCount"/>) from which the reference's second thread pays.</summary>
    public const long ManyOperations = 50_000_000;

    public static SideThreads For(ParitySpec spec, int cores) => new(cores, Operations(spec) >= ManyOperations ? cores : 1);

    /// <summary>Why a run of <paramref name="spec"/> on <paramref name="used"/> took those counts, in words for a report.</summary>
    public static string Explain(ParitySpec spec, int cores, SideThreads used)
    {
        var step = string.Create(CultureInfo.InvariantCulture, $"its training step counts {Operations(spec) / 1e6:0.#} MFLOP");
        var chosen = For(spec, cores);
        return used == chosen
            ? $"It ran on {used}, the counts Parity takes for this spec when --threads does not set one: {step}; the reference takes every core for a step from {ManyOperations / 1_000_000} MFLOP up and one thread for a smaller one, the engine every core, of which it uses what the step can."
            : $"It ran on {used}, as --threads set ({step}; without it, Parity would take {chosen}).";
    }

    static long Operations(ParitySpec spec) => FlopCount.Of(spec, spec.Train.Batch).TrainStep;
}
