namespace Parity.Spec;

/// <summary>
/// What the workload should reach after the last epoch (the figure its seed project reported);
/// a run that misses one does not pass. Null where the spec sets no expectation. <see cref="Reported"/>
/// is the seed project's own figure, in words, for reports.
/// </summary>
public sealed record ExpectSpec(double? TestAccuracy, double? TestLoss, double? TrainLoss, string? Reported = null)
{
    public static readonly ExpectSpec None = new(null, null, null);
}
