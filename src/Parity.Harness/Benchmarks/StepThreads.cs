using Parity.Spec;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// The thread count a spec's training step runs fastest on, from a model of its work rather than a
/// measurement: a measured choice would move with the machine's load from run to run, and with it the
/// last bits of results that depend on how the work is split. A step of few operations is a long row of
/// small calls, each too short to share between threads: waking a second thread costs more than it
/// saves, so it runs on one; a step of many operations uses all the cores.
/// </summary>
public static class StepThreads
{
    /// <summary>The operations per training step (<see cref="FlopCount"/>) from which a second thread pays.</summary>
    public const long ManyOperations = 50_000_000;

    public static int For(ParitySpec spec, int cores) => Operations(spec) >= ManyOperations ? cores : 1;

    /// <summary>Why a run of <paramref name="spec"/> on <paramref name="used"/> threads took that many, in words for a report.</summary>
    public static string Explain(ParitySpec spec, int cores, int used)
    {
        var step = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"its training step counts {Operations(spec) / 1e6:0.#} MFLOP");
        var plural = used == 1 ? "" : "s";
        return used == For(spec, cores)
            ? $"Both sides ran on {used} thread{plural}, the count Parity takes for this spec when --threads does not set one: {step}, and a step from {ManyOperations / 1_000_000} MFLOP up runs on every core, a smaller one on one."
            : $"Both sides ran on {used} thread{plural}, as --threads set ({step}; without it, Parity would take {For(spec, cores)}).";
    }

    static long Operations(ParitySpec spec) => FlopCount.Of(spec, spec.Train.Batch).TrainStep;
}
