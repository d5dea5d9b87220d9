using Parity.Engine.Optimizers;

namespace Parity.Engine.Tests;

public class ScheduleTests
{
    [Theory]
    // ExponentialLR: lr·γ after every epoch
    [InlineData("exponential", 1, new[] { 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125 })]
    // StepLR, size 3: lr·γ after epochs 3 and 6 only
    [InlineData("step", 3, new[] { 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25 })]
    public void LrAfterEachEpoch(string kind, int stepSize, double[] expected)
    {
        ILearningRateSchedule schedule = kind == "exponential" ? new ExponentialSchedule(0.5) : new StepSchedule(stepSize, 0.5);

        var lr = 1.0;
        var lrs = expected.Select(_ => lr = schedule.NextLr(lr)).ToArray();

        Assert.Equal(expected, lrs);
    }
}
