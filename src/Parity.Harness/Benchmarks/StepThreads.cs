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
/// <item>The reference takes every core when its layers average at least <see cref="ManyOperationsPerLayer"/>
/// a step, one thread below. Each layer is a few libtorch calls forward, backward and in the optimizer, and
/// with OpenMP's threads asleep between calls (<c>OMP_WAIT_POLICY=PASSIVE</c>) a call shared between two
/// threads pays for waking the second: a short call loses more than it gains. The work per layer, not per
/// step, tells the two apart: minGPT's sorter, 191 MFLOP a step over 28 layers, took 12.6 ms on two threads
/// beside the engine and 5.8 ms on one; the Fashion CNN, 462 MFLOP over 11 layers, 7.2 ms on two and about
/// 11 on one; a 20,000-step disk soak (0.3 MFLOP a step) 17.06 s on two and 4.05 s on one.</item>
/// <item>The engine takes every core: it decides itself how much of them a step uses — a step too small
/// to split runs on one (RowSplit's parts, the BLAS's own thresholds) — and the disk MLP's 8 MFLOP step,
/// split by rows, ran alone in 0.138 ms on two against 0.257 on one (one parity bench run).</item>
/// </list>
/// </summary>
public static class StepThreads
{
    /// <summary>The operations of a training step (<see cref="FlopCount"/>) per layer from which the reference's second thread pays.</summary>
    public const long ManyOperationsPerLayer = 15_000_000;

    public static SideThreads For(ParitySpec spec, int cores) => For(Operations(spec) / spec.Model.Count, cores);

    static SideThreads For(long operationsPerLayer, int cores) => new(cores, operationsPerLayer >= ManyOperationsPerLayer ? cores : 1);

    /// <summary>Why a run of <paramref name="spec"/> on <paramref name="used"/> took those counts, in words for a report.</summary>
    public static string Explain(ParitySpec spec, int cores, SideThreads used)
    {
        var operations = Operations(spec);
        var perLayer = operations / spec.Model.Count;
        var step = string.Create(CultureInfo.InvariantCulture, $"its training step counts {operations / 1e6:0.#} MFLOP over {spec.Model.Count} layers, {perLayer / 1e6:0.#} a layer");
        var chosen = For(perLayer, cores);
        return used == chosen
            ? $"It ran on {used}, the counts Parity takes for this spec when --threads does not set one: {step}; the reference takes every core from {ManyOperationsPerLayer / 1_000_000} MFLOP a layer up, whose libtorch calls are long enough to share, and one thread below, the engine every core, of which it uses what the step can."
            : $"It ran on {used}, as --threads set ({step}; without it, Parity would take {chosen}).";
    }

    static long Operations(ParitySpec spec) => FlopCount.Of(spec, spec.Train.Batch).TrainStep;
}
