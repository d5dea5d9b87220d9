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

    public static int For(ParitySpec spec, int cores) =>
        FlopCount.Of(spec, spec.Train.Batch).TrainStep >= ManyOperations ? cores : 1;
}
