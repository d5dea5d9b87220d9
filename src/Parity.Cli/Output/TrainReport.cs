using Parity.Harness.Training;

namespace Parity.Cli.Output;

/// <summary>The <c>parity train --json</c> document (docs/commands.md gives its fields): the engine under test and the reference by name, the part of the set of specs it holds (<c>--shard</c>), and each spec's figures; a side not run is null.</summary>
public sealed record TrainReport(bool Passed, string Engine, string Reference, Sharding.ShardRecord Shard, IReadOnlyList<TrainSpecReport> Specs);

public sealed record TrainSpecReport(
    string Spec,
    string Dtype,
    bool Passed,
    string Verdict,
    IReadOnlyList<string> Failures,
    IReadOnlyList<TrainEpochReport> Epochs,
    double? MaxLossDiff,
    double? MaxParamDrift,
    FirstDivergenceReport? FirstDivergence,
    IReadOnlyList<TrainStepReport>? Steps,
    GridReport? Grid = null,
    SeedsReport? Seeds = null,
    NonFinite? NonFinite = null,
    TeacherForcingReport? TeacherForcing = null);

/// <summary>
/// Teacher-forced training (<c>--teacher-forcing</c>): the engine set to the reference's parameters and optimizer
/// state before every step. <see cref="Parts"/> are the tensors that differ at the first differing step, and at
/// the first step whose parameters differ when that comes later.
/// </summary>
public sealed record TeacherForcingReport(bool Passed, string Verdict, int StepsForced, int? FirstStep, int? FirstParameterStep, double MaxAbsErr, IReadOnlyList<ForcedPartReport> Parts);

/// <summary>One tensor of a teacher-forced step that differs: a parameter's gradient, a parameter, or an optimizer state entry (<c>0.weight.momentum_buffer</c>, <c>lr</c>).</summary>
public sealed record ForcedPartReport(int Step, int Epoch, string Kind, string Name, double MaxAbsErr, double MaxRelErr, string WorstIndex, double Engine, double Reference);

/// <summary>K seeds (init and batch order) per engine: the final test figures' spread and whether the engines are equivalent.</summary>
public sealed record SeedsReport(int Count, IReadOnlyList<long> SeedValues, MetricStudy? TestAccuracy, MetricStudy TestLoss);

/// <summary>A grid study: every setting's outcome, each engine's pick, and the confusion matrix [true][predicted] of each pick on the test split.</summary>
public sealed record GridReport(IReadOnlyList<GridEntryReport> Entries, int EngineWinner, int TwinWinner, int[][] EngineConfusion, int[][] TwinConfusion);

public sealed record GridEntryReport(double Lr, double Momentum, double Dampening, double WeightDecay, bool Nesterov, EpochMetrics Engine, EpochMetrics Twin, string Verdict);

/// <summary>One lockstep step: each engine's loss before the update, and the largest parameter difference after it.</summary>
public sealed record TrainStepReport(int Step, int Epoch, double EngineLoss, double TwinLoss, double ParamDrift);

/// <summary>The first step at which the engines part beyond tolerance, and where.</summary>
public sealed record FirstDivergenceReport(int Step, int Epoch, string Parameter, string Layer, string Reason, double RelativeDrift, double LossDiff, double Bound);

public sealed record TrainEpochReport(int Epoch, EpochMetrics? Engine, EpochMetrics? Twin);

