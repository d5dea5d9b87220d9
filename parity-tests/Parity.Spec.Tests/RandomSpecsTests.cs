using Parity.Spec.Generation;

namespace Parity.Spec.Tests;

/// <summary>
/// The random specs <c>parity sweep</c> checks: each one valid, the same for the same seed, and the 200 of the CI
/// sweep's seeds together reaching every layer op, loss, reduction, optimizer variant, schedule, clip, init, dtype
/// and data source the format knows — a false alarm hiding in one of them would otherwise never be drawn.
/// </summary>
public class RandomSpecsTests
{
    /// <summary>The seeds of the CI sweep (parity-tests/Parity.Cli.Tests/SweepTests.cs).</summary>
    static readonly IReadOnlyList<long> CiSeeds = [.. Enumerable.Range(1, 200).Select(s => (long)s)];

    static IReadOnlyList<ParitySpec> LoadAll(TempFolder folder) => [.. CiSeeds.Select(seed =>
    {
        var drawn = RandomSpecs.Draw(seed);
        if (drawn.Csv is not null)
            folder.Write(drawn.CsvName, drawn.Csv);
        return SpecLoader.Load(folder.Write($"{drawn.Name}.yaml", drawn.Yaml));
    })];

    [Fact]
    public void A_seed_draws_the_same_spec_every_time()
    {
        Assert.Equal(RandomSpecs.Draw(7), RandomSpecs.Draw(7));
        Assert.NotEqual(RandomSpecs.Draw(7).Yaml, RandomSpecs.Draw(8).Yaml);
    }

    [Fact]
    public void The_ci_sample_is_valid_and_covers_the_whole_catalogue()
    {
        using var folder = new TempFolder();
        var specs = LoadAll(folder);

        var ops = specs.SelectMany(s => s.Model.OfType<OpLayer>().Select(l => l.Keyword)).ToHashSet();
        Assert.Empty(LayerOps.Keywords.Except(ops));
        Assert.Empty(LossOps.All.Select(l => l.Kind).Except(specs.Select(s => s.Loss.Kind)));
        Assert.Contains(specs, s => s.Loss.Reduction == Reduction.Sum);
        Assert.Contains(specs, s => s.OneHotTargets);
        Assert.Contains(specs, s => s.LinearLayers.Any(l => !l.Bias));

        var optimizers = specs.Select(s => s.Optimizer).ToList();
        // Every catalogue optimizer in every example variant (its options given beyond lr), so that a new one is swept with no test code.
        foreach (var op in OptimizerOps.All)
            foreach (var example in op.Examples)
                Assert.Contains(optimizers, o => o.Op == op && example.All(option => option.Key == "lr" || System.Text.Json.Nodes.JsonNode.DeepEquals(o.Settings.ToJson()[option.Key], option.Value)));

        var schedules = specs.Select(s => s.Schedule).OfType<ScheduleSpec>().ToList();
        Assert.Empty(Enum.GetValues<ScheduleKind>().Except(schedules.Select(s => s.Kind)));
        Assert.Contains(schedules, s => s.Kind != ScheduleKind.Constant && s.Warmup is not null);
        Assert.Contains(specs, s => s.Schedule is null);
        Assert.Empty(Enum.GetValues<ClipKind>().Except(specs.Select(s => s.Clip).OfType<ClipSpec>().Select(c => c.Kind)));

        Assert.Empty(Enum.GetValues<InitKind>().Except([InitKind.From]).Except(specs.Select(s => s.Init.Kind)));
        Assert.Empty(Enum.GetValues<DType>().Except(specs.Select(s => s.DType)));
        Assert.Empty(Enum.GetValues<DataSource>().Except(specs.Select(s => s.Data.Source)));
        Assert.Contains(specs, s => s.Data.Validation > 0);
        Assert.Contains(specs, s => !s.Train.Shuffle);
    }

    [Fact]
    public void Every_batch_norm_spec_trains_on_batches_of_two_rows_or_more()
    {
        // PyTorch refuses batch norm on one value per channel (one row of features, or of 1×1 images): the generator must never ask it to.
        using var folder = new TempFolder();
        foreach (var spec in LoadAll(folder).Where(s => s.Model.OfType<OpLayer>().Any(l => l.Keyword.StartsWith("batch-norm", StringComparison.Ordinal))))
        {
            Assert.True(spec.Train.Batch >= 2, spec.Name);
            Assert.NotEqual(1, spec.Data.Train % spec.Train.Batch);
            Assert.Equal(0, spec.Data.Validation);
        }
    }
}
