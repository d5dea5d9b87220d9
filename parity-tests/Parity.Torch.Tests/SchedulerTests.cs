using Parity.Engine.Optimizers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Parity.Torch.Tests;

/// <summary>
/// TorchSharp's schedulers stepped once per epoch decay the PyTorch way — StepLR(size) first after
/// epoch size — because, like PyTorch's, they take their initial step in the constructor. (TorchSharp's
/// C++ StepLR does not, and the former shim had to take that step itself.)
/// </summary>
public class SchedulerTests
{
    static (Parameter Parameter, SGD Optimizer) Sgd(double lr)
    {
        var parameter = new Parameter(tensor(new[] { 1.0 }, [1]));
        return (parameter, optim.SGD([parameter], lr));
    }

    [Fact]
    public void StepLrOfSizeTwoDecaysAfterEpochsTwoAndFour()
    {
        var (parameter, optimizer) = Sgd(1.0);
        using var _ = parameter;
        var scheduler = optim.lr_scheduler.StepLR(optimizer, 2, 0.5);
        Assert.Equal(1.0, optimizer.ParamGroups.First().LearningRate);

        var lrs = Enumerable.Range(1, 5).Select(_ =>
        {
            scheduler.step();
            return optimizer.ParamGroups.First().LearningRate;
        }).ToList();

        Assert.Equal([1.0, 0.5, 0.5, 0.25, 0.25], lrs);
    }

    /// <summary>The engine's schedules are the reference: TorchSharp's lr after every epoch is the same number.</summary>
    [Theory]
    [InlineData("exponential", 1, 0.9)]
    [InlineData("step", 1, 0.5)]
    [InlineData("step", 3, 0.3)]
    [InlineData("step", 4, 0.7)]
    public void LrAfterEachEpochMatchesTheEnginesSchedule(string kind, int stepSize, double gamma)
    {
        const double Lr = 0.05;
        ILearningRateSchedule reference = kind == "exponential" ? new ExponentialSchedule(gamma) : new StepSchedule(stepSize, gamma);
        var (parameter, optimizer) = Sgd(Lr);
        using var _ = parameter;
        var scheduler = kind == "exponential"
            ? optim.lr_scheduler.ExponentialLR(optimizer, gamma)
            : optim.lr_scheduler.StepLR(optimizer, stepSize, gamma);

        var lr = Lr;
        for (var epoch = 1; epoch <= 9; epoch++)
        {
            scheduler.step();
            lr = reference.NextLr(lr);
            Assert.Equal(lr, optimizer.ParamGroups.First().LearningRate, 15);
        }
        Assert.True(lr < Lr);
    }
}
