namespace Parity.Spec.Tests;

/// <summary>Cosine annealing and the linear warm-up: what loads, and the mistakes refused with where and how to fix them.</summary>
public class ScheduleSpecTests
{
    [Fact]
    public void A_warm_up_before_cosine_loads_both()
    {
        var spec = SpecText.ParseWith("schedule: {warmup: {epochs: 5, start_factor: 0.1}, cosine: {t_max: 50, eta_min: 0.001}}");
        Assert.Equal(new ScheduleSpec(ScheduleKind.Cosine, TMax: 50, EtaMin: 0.001, Warmup: new WarmupSpec(5, 0.1)), spec.Schedule);
    }

    [Fact]
    public void A_warm_up_alone_keeps_the_lr_where_it_ends()
    {
        var spec = SpecText.ParseWith("schedule: {warmup: {epochs: 3, start_factor: 0.5}}");
        Assert.Equal(new ScheduleSpec(ScheduleKind.Constant, Warmup: new WarmupSpec(3, 0.5)), spec.Schedule);
    }

    [Theory]
    [InlineData("schedule: cosine", "'schedule': cosine needs its settings", 8, 11)]
    [InlineData("schedule: {cosine: {t_max: 5}, step: {size: 2, gamma: 0.5}}", "'schedule' takes one of exponential, step, cosine", 8, 11)]
    [InlineData("schedule: {cosine: {eta_min: 0.1}}", "'schedule.cosine' needs the key 't_max'", 8, 20)]
    [InlineData("schedule: {cosine: {t_max: 0}}", "'schedule.cosine.t_max'", 8, 28)]
    [InlineData("schedule: {warmup: {epochs: 2, start_factor: 0}}", "'schedule.warmup.start_factor'", 8, 46)]
    [InlineData("schedule: {warmup: {epochs: 2}}", "'schedule.warmup' needs the key 'start_factor'", 8, 20)]
    [InlineData("schedule: {cosine: {tmax: 5}}", "unknown key 'tmax' in 'schedule.cosine'; did you mean 't_max'?", 8, 21)]
    public void Mistakes_are_refused_at_their_place(string schedule, string problem, int line, int column) =>
        SpecText.AssertError(SpecText.With(schedule), problem, line, column);
}
