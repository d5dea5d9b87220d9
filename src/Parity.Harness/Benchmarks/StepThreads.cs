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
/// with it the last bits of results that depend on how the work is split.
/// <list type="bullet">
/// <item>A step of at least <see cref="ManyOperationsToOverlap"/> is taken by both sides at once in lockstep
/// training (<see cref="AtOnce"/>), the cores shared out between them; a smaller one by each in turn, each on every
/// core. On two cores, one thread each at once against taking turns on two (one parity train each): the Fashion CNN
/// 63.7 s against 90.1, minGPT's sorter 5.75 against 7.98, the Fashion grid 9.0 against 11.0; but the disk MLPs
/// (under 1 MFLOP a step, 0.3 ms) 1.8–2.3 s against 1.2–1.7: handing a step that short to another thread costs more
/// than the engine's part of it.</item>
/// <item>The reference takes its share of the cores when its layers average at least <see cref="ManyOperationsPerLayer"/>
/// a step, one thread below. Each layer is a few libtorch calls forward, backward and in the optimizer, and
/// with OpenMP's threads asleep between calls (<c>OMP_WAIT_POLICY=PASSIVE</c>) a call shared between two
/// threads pays for waking the second: a short call loses more than it gains. The work per layer, not per
/// step, tells the two apart: minGPT's sorter, 191 MFLOP a step over 28 layers, took 12.6 ms on two threads
/// beside the engine and 5.8 ms on one; the Fashion CNN, 462 MFLOP over 11 layers, 7.2 ms on two and about
/// 11 on one; a 20,000-step disk soak (0.3 MFLOP a step) 17.06 s on two and 4.05 s on one.</item>
/// <item>The engine takes the rest of the cores: it decides itself how much of them a step uses — a step too small
/// to split runs on one (RowSplit's parts, the BLAS's own thresholds) — and the disk MLP's 8 MFLOP step,
/// split by rows, ran alone in 0.138 ms on two against 0.257 on one (one parity bench run).</item>
/// </list>
/// </summary>
public static class StepThreads
{
    /// <summary>The operations of a training step (<see cref="FlopCount"/>) per layer from which the reference's second thread pays.</summary>
    public const long ManyOperationsPerLayer = 15_000_000;

    /// <summary>The operations of a training step from which the two sides step at once rather than in turn.</summary>
    public const long ManyOperationsToOverlap = 5_000_000;

    public static SideThreads For(ParitySpec spec, int cores)
    {
        var operations = Operations(spec);
        var manyPerLayer = operations / spec.Model.Count >= ManyOperationsPerLayer;
        if (cores < 2 || operations < ManyOperationsToOverlap)
            return new(cores, manyPerLayer ? cores : 1);
        var reference = manyPerLayer ? cores / 2 : 1;
        return new(cores - reference, reference);
    }

    /// <summary>
    /// Whether the two sides of a lockstep run take each step at once, each on its own threads: the step is long
    /// enough to share out, and <paramref name="threads"/> fit the cores together. What either side computes is
    /// the same either way; only the thread counts move its last bits.
    /// </summary>
    public static bool AtOnce(ParitySpec spec, SideThreads threads, int cores) =>
        Operations(spec) >= ManyOperationsToOverlap && threads.Engine + threads.Reference <= cores;

    /// <summary>Why a run of <paramref name="spec"/> on <paramref name="used"/> took those counts, in words for a report.</summary>
    public static string Explain(ParitySpec spec, int cores, SideThreads used)
    {
        var operations = Operations(spec);
        var perLayer = operations / spec.Model.Count;
        var step = string.Create(CultureInfo.InvariantCulture, $"its training step counts {operations / 1e6:0.#} MFLOP over {spec.Model.Count} layers, {perLayer / 1e6:0.#} a layer");
        var chosen = For(spec, cores);
        var ran = AtOnce(spec, used, cores) ? $"{used}{(used.Engine == used.Reference ? " each" : "")}, the two sides taking each lockstep step, evaluation chunk and finite difference at once" : $"{used}, the two sides taking turns";
        return used == chosen
            ? $"It ran on {ran}, the counts Parity takes for this spec when --threads does not set one: {step}; from {ManyOperationsToOverlap / 1_000_000} MFLOP a step the sides step at once, each on its share of the cores, and in turn below, each on every core; the reference takes more than one thread from {ManyOperationsPerLayer / 1_000_000} MFLOP a layer up, whose libtorch calls are long enough to share, the engine the rest, of which it uses what the step can."
            : $"It ran on {ran}, as --threads set ({step}; without it, Parity would take {chosen}).";
    }

    static long Operations(ParitySpec spec) => FlopCount.Of(spec, spec.Train.Batch).TrainStep;
}
