using Parity.Engine;
using Parity.Spec;
using Parity.Torch.Twin;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Parity.Torch.Tests;

/// <summary>
/// Each schedule a spec can write, described once and made by the engine's table and by the twin's
/// (TorchSharp's CosineAnnealingLR, LinearLR, SequentialLR): the lr at the start and after every
/// epoch is the same number, through the warm-up's end and a cosine's restart; and so is the lr of each epoch
/// the diagnosis replays from the schedule catalogue (<see cref="ScheduleOps.LrOfEpoch"/>).
/// </summary>
public class ScheduleDescriptionTests
{
    [Theory]
    [InlineData("{cosine: {t_max: 5}}")]
    [InlineData("{cosine: {t_max: 4, eta_min: 0.01}}")]
    [InlineData("{warmup: {epochs: 3, start_factor: 0.1}}")]
    [InlineData("{warmup: {epochs: 3, start_factor: 0.25}, cosine: {t_max: 6, eta_min: 0.001}}")]
    [InlineData("{warmup: {epochs: 2, start_factor: 0.5}, step: {size: 3, gamma: 0.5}}")]
    [InlineData("{warmup: {epochs: 4, start_factor: 0.2}, exponential: {gamma: 0.9}}")]
    [InlineData("{step: {size: 3, gamma: 0.5}}")]
    [InlineData("{exponential: {gamma: 0.9}}")]
    public void LrAtTheStartAndAfterEachEpochMatchesTorchSharp(string schedule)
    {
        const double Lr = 0.1;
        var spec = SpecLoader.Parse(
            $"name: s\nseed: 1\ndata: {{source: disk, train: 10}}\nmodel: [linear: 1]\nloss: mse\noptimizer: {{sgd: {{lr: {Lr}}}}}\nschedule: {schedule}\ntrain: {{epochs: 1, batch: 5}}\n", "s.yaml");
        var description = ModelDescriptions.Describe(spec).Schedule!;
        var engine = EngineParts<double>.Standard.Schedules[description.Kind](description);
        using var parameter = new Parameter(tensor(new[] { 1.0 }, [1]));
        var optimizer = optim.SGD([parameter], Lr);
        var twin = TwinOps.Schedule(optimizer, description);

        var lr = engine.Start(Lr);
        var lrs = new List<double> { lr };
        Assert.Equal(optimizer.ParamGroups.First().LearningRate, lr, 15);
        Assert.Equal(optimizer.ParamGroups.First().LearningRate, ScheduleOps.LrOfEpoch(spec, 1), 15);
        for (var epoch = 1; epoch <= 14; epoch++)
        {
            twin.step();
            lr = engine.NextLr(lr);
            lrs.Add(lr);
            Assert.Equal(optimizer.ParamGroups.First().LearningRate, lr, 15);
            Assert.Equal(optimizer.ParamGroups.First().LearningRate, ScheduleOps.LrOfEpoch(spec, epoch + 1), 15);
        }
        // the schedule moved the lr: agreement is not that of two constant rates
        Assert.True(lrs.Distinct().Count() > 2, string.Join(", ", lrs));
    }
}
