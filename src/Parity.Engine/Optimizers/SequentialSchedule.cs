namespace Parity.Engine.Optimizers;

/// <summary>
/// SequentialLR of two schedules: the first until the milestone epoch, where the second starts from
/// the base lr (PyTorch's step(0)), then the second's steps.
/// </summary>
public sealed class SequentialSchedule(ILearningRateSchedule first, ILearningRateSchedule then, int milestone) : ILearningRateSchedule
{
    double _base;
    int _epoch;

    public double Start(double baseLr)
    {
        (_base, _epoch) = (baseLr, 0);
        return first.Start(baseLr);
    }

    public double NextLr(double lr) => ++_epoch switch
    {
        var e when e < milestone => first.NextLr(lr),
        var e when e == milestone => then.Start(_base),
        _ => then.NextLr(lr),
    };
}
