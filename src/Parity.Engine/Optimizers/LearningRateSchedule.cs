using Parity.Spec;

namespace Parity.Engine.Optimizers;

/// <summary>
/// ExponentialLR and StepLR in their chainable form (lr ← lr·γ), stepped once per epoch as PyTorch's
/// schedulers are: exponential every epoch, step every <c>size</c> epochs.
/// </summary>
public sealed class LearningRateSchedule(ScheduleSpec spec) : ILearningRateSchedule
{
    int _epochs;

    public double NextLr(double lr)
    {
        _epochs++;
        return spec.Kind == ScheduleKind.Exponential || _epochs % spec.StepSize == 0 ? lr * spec.Gamma : lr;
    }
}
