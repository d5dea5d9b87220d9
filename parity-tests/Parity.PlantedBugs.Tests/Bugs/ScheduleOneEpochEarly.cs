using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>StepLR counting epochs with a post-increment: epoch 0 already counts as a multiple of the step size, so every decay comes one epoch early.</summary>
sealed class ScheduleOneEpochEarly(int stepSize, double gamma) : ILearningRateSchedule
{
    int _epochs;

    public double NextLr(double lr) => _epochs++ % stepSize == 0 ? lr * gamma : lr;
}
