namespace Parity.Harness.Training;

/// <summary>
/// One engine's figures after an epoch, each measured by an evaluation pass over the whole split
/// with the epoch's final parameters (so both engines are measured the same way). Accuracy is null
/// for regression, a split's figures null when the spec has no such split.
/// </summary>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double? TrainAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double? TestLoss,
    double? TestAccuracy);
