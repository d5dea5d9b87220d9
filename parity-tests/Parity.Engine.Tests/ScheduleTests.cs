using Parity.Engine.Optimizers;
using Parity.Spec;

namespace Parity.Engine.Tests;

public class ScheduleTests
{
    [Theory]
    // ExponentialLR: lr·γ after every epoch
    [InlineData(ScheduleKind.Exponential, 1, new[] { 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125 })]
    // StepLR, size 3: lr·γ after epochs 3 and 6 only
    [InlineData(ScheduleKind.Step, 3, new[] { 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25 })]
    public void LrAfterEachEpoch(ScheduleKind kind, int stepSize, double[] expected)
    {
        var schedule = new LearningRateSchedule(new ScheduleSpec(kind, Gamma: 0.5, stepSize));

        var lr = 1.0;
        var lrs = expected.Select(_ => lr = schedule.NextLr(lr)).ToArray();

        Assert.Equal(expected, lrs);
    }
}
