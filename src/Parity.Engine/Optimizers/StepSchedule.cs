namespace Parity.Engine.Optimizers;

/// <summary>StepLR in its chainable form: lr ← lr·γ after every <c>stepSize</c>-th epoch, as PyTorch's scheduler stepped once per epoch.</summary>
public sealed class StepSchedule(int stepSize, double gamma) : ILearningRateSchedule
{
    int _epochs;

    public double NextLr(double lr) => ++_epochs % stepSize == 0 ? lr * gamma : lr;
}
