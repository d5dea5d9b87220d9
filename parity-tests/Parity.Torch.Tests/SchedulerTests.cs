using Parity.Engine.Optimizers;
using Parity.Spec;

namespace Parity.Torch.Tests;

/// <summary>Learning-rate schedulers stepped once per epoch decay the PyTorch way: StepLR(size) first after epoch size.</summary>
public class SchedulerTests
{
    [Fact]
    public void StepLrOfSizeTwoDecaysAfterEpochsTwoAndFour()
    {
        using var parameter = torch.tensor([1.0], [1], requires_grad: true);
        using var optimizer = torch.optim.SGD([parameter], 1.0);
        using var scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 2, 0.5);
        Assert.Equal(1.0, optimizer.lr);

        var lrs = Enumerable.Range(1, 5).Select(_ =>
        {
            scheduler.step();
            return optimizer.lr;
        });

        Assert.Equal([1.0, 0.5, 0.5, 0.25, 0.25], lrs);
    }

    [Fact]
    public void ExponentialLrDecaysAfterEveryEpoch()
    {
        using var parameter = torch.tensor([1.0], [1], requires_grad: true);
        using var optimizer = torch.optim.SGD([parameter], 0.8);
        using var scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, 0.5);
        Assert.Equal(0.8, optimizer.lr);

        var lrs = Enumerable.Range(1, 3).Select(_ =>
        {
            scheduler.step();
            return optimizer.lr;
        });

        Assert.Equal([0.4, 0.2, 0.1], lrs);
    }

    /// <summary>The engine's LearningRateSchedule is the reference: the twin's lr after every epoch is the same number.</summary>
    [Theory]
    [InlineData(ScheduleKind.Exponential, 1, 0.9)]
    [InlineData(ScheduleKind.Step, 1, 0.5)]
    [InlineData(ScheduleKind.Step, 3, 0.3)]
    [InlineData(ScheduleKind.Step, 4, 0.7)]
    public void LrAfterEachEpochMatchesTheEnginesSchedule(ScheduleKind kind, int stepSize, double gamma)
    {
        const double Lr = 0.05;
        var reference = new LearningRateSchedule(new ScheduleSpec(kind, gamma, stepSize));
        using var parameter = torch.tensor([1.0], [1], requires_grad: true);
        using var optimizer = torch.optim.SGD([parameter], Lr);
        using var scheduler = kind == ScheduleKind.Exponential
            ? torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma)
            : torch.optim.lr_scheduler.StepLR(optimizer, stepSize, gamma);

        var lr = Lr;
        for (var epoch = 1; epoch <= 9; epoch++)
        {
            scheduler.step();
            lr = reference.NextLr(lr);
            Assert.Equal(lr, optimizer.lr);
        }
        Assert.True(lr < Lr);
    }

    [Fact]
    public void StepLrRejectsAStepSizeBelowOne()
    {
        using var parameter = torch.tensor([1.0], [1], requires_grad: true);
        using var optimizer = torch.optim.SGD([parameter], 0.1);

        var exception = Assert.Throws<TorchException>(() => torch.optim.lr_scheduler.StepLR(optimizer, 0));

        Assert.Contains("step_size must be >= 1", exception.Message);
    }
}
