namespace Parity.Spec;

/// <summary>
/// The catalogue of learning-rate schedules for the harness's own arithmetic: each kind's rate as PyTorch's
/// scheduler computes it, in its recursive form, so that the diagnosis replays any schedule the spec can write
/// (exponential, step, cosine, each after an optional linear warm-up, or a warm-up alone) rather than a few.
/// The engines' schedules are their own; this one never drives a run.
/// </summary>
public static class ScheduleOps
{
    /// <summary>A schedule's rate when made (<c>Start</c>, from the base lr) and after its k-th step (<c>Next</c>, from the base and the rate before).</summary>
    sealed record Rule(Func<double, double> Start, Func<double, int, double, double> Next);

    static Rule Of(ScheduleSpec schedule) => schedule.Kind switch
    {
        ScheduleKind.Exponential => new(b => b, (_, _, lr) => lr * schedule.Gamma),
        ScheduleKind.Step => new(b => b, (_, k, lr) => k % schedule.StepSize == 0 ? lr * schedule.Gamma : lr),
        // CosineAnnealingLR's recursive form, with its restarts.
        ScheduleKind.Cosine => new(b => b, (b, k, lr) => (k - 1 - schedule.TMax) % (2 * schedule.TMax) == 0
            ? lr + (b - schedule.EtaMin) * (1 - Math.Cos(Math.PI / schedule.TMax)) / 2
            : (1 + Math.Cos(Math.PI * k / schedule.TMax)) / (1 + Math.Cos(Math.PI * (k - 1) / schedule.TMax)) * (lr - schedule.EtaMin) + schedule.EtaMin),
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule.Kind, "a warm-up alone has no schedule after it"),
    };

    /// <summary>LinearLR from start_factor to 1 over the warm-up's epochs, in its recursive form.</summary>
    static Rule Warmup(WarmupSpec warmup) => new(b => b * warmup.StartFactor, (_, k, lr) => k > warmup.Epochs
        ? lr
        : lr * (1 + (1 - warmup.StartFactor) / (warmup.Epochs * warmup.StartFactor + (k - 1) * (1 - warmup.StartFactor))));

    /// <summary>
    /// The learning rate in effect during an epoch (1-based; 0 and earlier have the first epoch's): the schedule
    /// stepped after each finished epoch; with a warm-up, SequentialLR's hand-over at its last epoch, where the
    /// schedule after it starts from the base lr.
    /// </summary>
    public static double LrOfEpoch(ParitySpec spec, int epoch)
    {
        var baseLr = spec.Optimizer.Lr;
        if (spec.Schedule is not { } schedule)
            return baseLr;
        var (first, then) = schedule.Warmup is { } warmup
            ? (Warmup(warmup), schedule.Kind == ScheduleKind.Constant ? null : Of(schedule))
            : (Of(schedule), null);
        var lr = first.Start(baseLr);
        for (var k = 1; k < epoch; k++)
            lr = then is null || k < schedule.Warmup!.Epochs ? first.Next(baseLr, k, lr)
                : k == schedule.Warmup.Epochs ? then.Start(baseLr)
                : then.Next(baseLr, k - schedule.Warmup.Epochs, lr);
        return lr;
    }
}
