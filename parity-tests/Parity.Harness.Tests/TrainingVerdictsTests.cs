using Parity.Harness.Training;
using Parity.Spec;

namespace Parity.Harness.Tests;

/// <summary>The training verdicts the Harness makes — lockstep, grid agreement, seed equivalence (TOST) — on runs made up to pass and to fail; no engine trains.</summary>
public class TrainingVerdictsTests
{
    static readonly ParitySpec Spec = TinySpec.Spec;

    static LockstepResult Run(double engineTestLoss, double twinTestLoss, Divergence? jump = null) => new(
        [new EpochMetrics(1, 0.5, null, null, null, engineTestLoss, 0.9)], [new EpochMetrics(1, 0.5, null, null, null, twinTestLoss, 0.9)],
        [new StepDrift(1, 1, 0.5, 0.5, 0, 0, 0, "0.weight", 0)], jump, jump);

    static readonly Divergence Jump = new(1, 1, "0.weight", "layer 0 (linear)", 0.3, 0.1, 1e-12, "the parameters jump");

    [Fact]
    public void A_lockstep_run_without_a_jump_passes_and_one_with_a_jump_fails_naming_its_step()
    {
        Assert.True(TrainingVerdicts.Lockstep(Spec, Run(0.4, 0.4)).Passed);

        var parted = TrainingVerdicts.Lockstep(Spec, Run(0.4, 0.4, Jump));

        Assert.False(parted.Passed);
        Assert.StartsWith("diverged at step 1 (epoch 1): the parameters jump", parted.Verdict);
        Assert.Equal([parted.Verdict], parted.Failures);
    }

    [Fact]
    public void Seeds_whose_final_losses_agree_are_equivalent_and_seeds_apart_by_more_than_the_margin_are_not()
    {
        var variants = Enumerable.Range(0, 4).Select(i => Spec with { Seed = Spec.Seed + i }).ToList();
        double[] losses = [0.40, 0.42, 0.41, 0.43];

        var same = TrainingVerdicts.Seeds(Spec, variants, [.. losses.Select(l => Run(l, l))], margin: 0.01);
        var apart = TrainingVerdicts.Seeds(Spec, variants, [.. losses.Select(l => Run(l * 1.5, l))], margin: 0.01);

        Assert.True(same.Passed, same.Verdict);
        Assert.True(same.Seeds!.TestLoss.Equivalence.Equivalent);
        Assert.True(same.Seeds.TestAccuracy!.Equivalence.Equivalent);
        Assert.False(apart.Passed);
        Assert.False(apart.Seeds!.TestLoss.Equivalence.Equivalent);
        Assert.Contains(apart.Failures, f => f.StartsWith("test loss: not shown equivalent within ±", StringComparison.Ordinal));
    }

    static OptimizerSpec Sgd(double lr) => OptimizerOps.Of("sgd").With(new System.Text.Json.Nodes.JsonObject { ["lr"] = lr });

    [Fact]
    public void A_grid_passes_when_both_engines_pick_the_same_setting_and_fails_when_they_pick_different_ones()
    {
        var entries = new[] { new GridEntry(Sgd(0.1), Run(0.4, 0.4)), new GridEntry(Sgd(0.2), Run(0.3, 0.3)) };
        int[][] confusion = [[1]];

        var agree = TrainingVerdicts.Grid(Spec, new GridResult(entries, 1, 1, confusion, confusion));
        var differ = TrainingVerdicts.Grid(Spec, new GridResult(entries, 0, 1, confusion, confusion));

        Assert.True(agree.Passed, agree.Verdict);
        Assert.True(agree.Grid!.Agree);
        Assert.Equal("identical up to rounding in all 2 settings; both engines pick #2", agree.Verdict);
        Assert.False(differ.Passed);
        Assert.False(differ.Grid!.Agree);
        Assert.Contains("the engines pick different settings: engine #1, reference #2", differ.Failures);
    }
}
