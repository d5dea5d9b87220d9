namespace Parity.Engine.Optimizers;

/// <summary>ExponentialLR in its chainable form: lr ← lr·γ after every epoch.</summary>
public sealed class ExponentialSchedule(double gamma) : ILearningRateSchedule
{
    public double NextLr(double lr) => lr * gamma;
}
