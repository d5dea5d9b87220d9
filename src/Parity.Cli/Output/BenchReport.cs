using Parity.Harness.Benchmarks;

namespace Parity.Cli.Output;

/// <summary>The <c>parity bench --json</c> document (docs/commands.md gives its fields): the engine under test and the reference by name, the machine, the part of the set of specs it holds (<c>--shard</c>), and per spec each side's figures and their ratio.</summary>
/// <summary><see cref="Threads"/>: the --threads both sides were given side by side; null when each spec took its own (<see cref="StepThreads"/>).</summary>
public sealed record BenchReport(bool Passed, string Engine, string Reference, MachineReport Machine, int? Threads, Sharding.ShardRecord Shard, IReadOnlyList<BenchSpecReport> Specs);

/// <summary>
/// The machine a run was made on: the CPU, the vector instructions .NET used and the BLAS kernel the
/// engine multiplied with. These set the order of sums, so a run repeats bit for bit only where they are
/// the same; elsewhere its figures are equal up to rounding (libtorch's oneMKL picks its own kernel by CPU).
/// </summary>
public sealed record MachineReport(string Cpu, int Cores, double LoadAverage, string Instructions, string Blas, string BlasKernel, bool PackedKernel, bool PackedForAll)
{
    public static MachineReport Of(Machine machine) =>
        new(machine.Cpu, machine.Cores, machine.LoadAverage, machine.Instructions, Engine.Numerics.Gemm.Provider, Engine.Numerics.Gemm.Kernel, Engine.Numerics.Gemm.Packed, Engine.Numerics.Gemm.PackedForAll);

    /// <summary>One line for a report: what made these last bits.</summary>
    public override string ToString() => $"{Cpu} ({Cores} cores; {Instructions}; BLAS {Blas}, kernel {BlasKernel}{(PackedForAll ? ", the engine's 512-bit kernel on every product" : PackedKernel ? ", and the engine's 512-bit kernel on one thread" : "")})";
}

public sealed record BenchSpecReport(
    string Spec,
    string Dtype,
    int Threads,
    int ReferenceThreads,
    int Batch,
    bool Passed,
    BenchSideReport Engine,
    BenchSideReport Twin,
    double Ratio,
    FlopReport Flops,
    IReadOnlyList<TargetReport> Targets,
    BenchSweepReport? Sweep,
    // Only parity bench times each side alone: a report's result.json keeps the fields it always had.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] BestReport? Best)
{
    public static BenchSpecReport From(BenchmarkResult result, SideThreads threads, IReadOnlyList<TargetResult> targets, SweepResult? sweep, RuntimeResult? runtime = null) => new(
        result.Spec.Name,
        result.Spec.DType.ToString().ToLowerInvariant(),
        threads.Engine,
        threads.Reference,
        result.Rows,
        targets.All(t => t.Passed),
        BenchSideReport.From(result.Engine),
        BenchSideReport.From(result.Twin),
        result.Ratio,
        new FlopReport(result.Flops.Forward, result.Flops.Backward, result.Flops.Step, result.Flops.TrainStep),
        targets.Select(t => new TargetReport(t.Name, t.Limit, t.Measured, t.Passed)).ToList(),
        sweep is null ? null : BenchSweepReport.From(sweep),
        runtime is null ? null : BestReport.From(runtime));
}

/// <summary>
/// parity bench's figures of each side alone at its best (the reference in a process of its own, with
/// TorchSharp's defaults) in the round of median ratio, that ratio (the headline, which the targets judge),
/// every round's, and the product peak.
/// </summary>
public sealed record BestReport(BestSideReport Engine, BestSideReport Twin, double Ratio, IReadOnlyList<double> RoundRatios, PeakReport Peak)
{
    public static BestReport From(RuntimeResult runtime) => new(
        BestSideReport.From(runtime.Engine, runtime.EngineOfPeak), BestSideReport.From(runtime.Reference, runtime.ReferenceOfPeak), runtime.Ratio,
        [.. runtime.Rounds.Select(round => round.Ratio)],
        new PeakReport(runtime.Peak.DType, runtime.Peak.Size, runtime.Peak.Threads, runtime.Peak.Gflops, runtime.Peak.Kernel));
}

/// <summary>A side's best: its thread count, median training step, GFLOP/s and their fraction of the peak, and the median at each count tried (in the round of median ratio).</summary>
public sealed record BestSideReport(int Threads, double TrainStepMs, double Gflops, double FractionOfPeak, IReadOnlyList<ThreadsPointReport> ByThreads)
{
    public static BestSideReport From(AtBest side, double fractionOfPeak) => new(side.Best.Threads, side.Best.Timing.TrainStep.MedianMs, side.Best.Timing.Gflops, fractionOfPeak,
        [.. side.Counts.Select(c => new ThreadsPointReport(c.Threads, c.Timing.TrainStep.MedianMs, c.Timing.TrainStep.IqrMs))]);
}

public sealed record ThreadsPointReport(int Threads, double TrainStepMs, double IqrMs);

public sealed record PeakReport(string Dtype, int Size, int Threads, double Gflops, string Kernel);

/// <summary>
/// Medians in milliseconds; <see cref="Iqr"/> holds each phase's interquartile range. A phase not timed
/// apart, or bytes not counted, are null; <see cref="Timing"/> says where the times come from: "phases"
/// (each phase timed in Parity's process), "engine" (the engine's own clock), "train_step" (whole steps
/// timed from Parity, the handing over included).
/// </summary>
public sealed record BenchSideReport(
    double? ForwardMs,
    double? BackwardMs,
    double? StepMs,
    double TrainStepMs,
    double? AllocBytesPerStep,
    double Gflops,
    PhasesReport Iqr,
    int Repetitions,
    bool Stable,
    string Timing)
{
    public static BenchSideReport From(BackendTiming timing) => new(
        timing.Forward?.MedianMs, timing.Backward?.MedianMs, timing.Step?.MedianMs, timing.TrainStep.MedianMs,
        timing.AllocBytesPerStep, timing.Gflops,
        new PhasesReport(timing.Forward?.IqrMs, timing.Backward?.IqrMs, timing.Step?.IqrMs, timing.TrainStep.IqrMs),
        timing.Repetitions, timing.Stable,
        timing.Source switch { TimingSource.Phases => "phases", TimingSource.Engine => "engine", _ => "train_step" });
}

public sealed record PhasesReport(double? ForwardMs, double? BackwardMs, double? StepMs, double TrainStepMs);

public sealed record FlopReport(long Forward, long Backward, long Step, long TrainStep);

public sealed record TargetReport(string Name, double Limit, double Measured, bool Passed);

/// <summary>The sweep's points (each train step median of both engines) and the fitted exponents k of t ≈ c·valueᵏ.</summary>
public sealed record BenchSweepReport(string Parameter, IReadOnlyList<SweepPointReport> Points, double EngineExponent, double TwinExponent)
{
    public static BenchSweepReport From(SweepResult sweep) => new(
        sweep.Parameter.ToString().ToLowerInvariant(),
        sweep.Points.Select(p => new SweepPointReport(p.Value, p.Result.Engine.TrainStep.MedianMs, p.Result.Twin.TrainStep.MedianMs, p.Result.Ratio,
            p.Result.Engine.Gflops, p.Result.Twin.Gflops)).ToList(),
        sweep.EngineExponent,
        sweep.TwinExponent);
}

public sealed record SweepPointReport(int Value, double EngineTrainStepMs, double TwinTrainStepMs, double Ratio, double EngineGflops, double TwinGflops);
