using Parity.Engine.Optimizers;
using Parity.Spec;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>StepLR counting epochs with a post-increment: epoch 0 already counts as a multiple of the step size, so every decay comes one epoch early.</summary>
sealed class ScheduleOneEpochEarly(ScheduleSpec spec) : ILearningRateSchedule
{
    int _epochs;

    public double NextLr(double lr) => spec.Kind == ScheduleKind.Exponential || _epochs++ % spec.StepSize == 0 ? lr * spec.Gamma : lr;
}
