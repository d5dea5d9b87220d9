namespace Parity.Cli.Output;

/// <summary>The <c>parity train --json</c> document (DESIGN.md); a side not run is null.</summary>
public sealed record TrainReport(bool Passed, IReadOnlyList<TrainSpecReport> Specs);

public sealed record TrainSpecReport(
    string Spec,
    string Dtype,
    bool Passed,
    string Verdict,
    IReadOnlyList<string> Failures,
    IReadOnlyList<TrainEpochReport> Epochs,
    double? MaxLossDiff,
    double? MaxParamDrift,
    FirstDivergenceReport? FirstDivergence);

/// <summary>The first step at which the engines part beyond tolerance, and where.</summary>
public sealed record FirstDivergenceReport(int Step, string Parameter, string Layer);

public sealed record TrainEpochReport(int Epoch, EngineEpochReport? Engine, EngineEpochReport? Twin);

public sealed record EngineEpochReport(
    double TrainLoss,
    double? TrainAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double? TestLoss,
    double? TestAccuracy);
