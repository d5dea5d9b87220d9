namespace Parity.Engine.Optimizers;

/// <summary>
/// LinearLR in PyTorch's recursive form: lr ← base·start_factor when made, then at epoch e ≤ total_iters
/// lr ← lr·(1 + (end − start) / (total·start + (e − 1)·(end − start))), and unchanged after.
/// </summary>
public sealed class LinearSchedule(double startFactor, double endFactor, int totalIters) : ILearningRateSchedule
{
    int _epoch;

    public double Start(double baseLr)
    {
        _epoch = 0;
        return baseLr * startFactor;
    }

    public double NextLr(double lr) => ++_epoch > totalIters
        ? lr
        : lr * (1 + (endFactor - startFactor) / (totalIters * startFactor + (_epoch - 1) * (endFactor - startFactor)));
}
