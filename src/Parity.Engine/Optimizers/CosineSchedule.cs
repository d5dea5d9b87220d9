namespace Parity.Engine.Optimizers;

/// <summary>
/// CosineAnnealingLR in PyTorch's recursive form, stepped once per epoch e:
/// lr ← η_min + (lr − η_min)·(1 + cos(πe/T)) / (1 + cos(π(e − 1)/T)), and at the restarts
/// ((e − 1 − T) divisible by 2T) lr ← lr + (base − η_min)·(1 − cos(π/T)) / 2.
/// </summary>
public sealed class CosineSchedule(int tMax, double etaMin) : ILearningRateSchedule
{
    double _base;
    int _epoch;

    /// <summary>The closed form at epoch 0, as SequentialLR's step(0) computes it.</summary>
    public double Start(double baseLr)
    {
        (_base, _epoch) = (baseLr, 0);
        return etaMin + (baseLr - etaMin) * (1 + Math.Cos(0)) / 2;
    }

    public double NextLr(double lr)
    {
        _epoch++;
        return (_epoch - 1 - tMax) % (2 * tMax) == 0
            ? lr + (_base - etaMin) * (1 - Math.Cos(Math.PI / tMax)) / 2
            : (1 + Math.Cos(Math.PI * _epoch / tMax)) / (1 + Math.Cos(Math.PI * (_epoch - 1) / tMax)) * (lr - etaMin) + etaMin;
    }
}
