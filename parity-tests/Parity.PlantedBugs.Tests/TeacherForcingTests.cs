using Parity.Engine;
using Parity.Harness.Training;
using Parity.PlantedBugs.Tests.Bugs;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;
using Parity.Torch.Twin;

namespace Parity.PlantedBugs.Tests;

/// <summary>
/// <c>parity train --teacher-forcing</c>: with the engine set to TorchSharp's parameters and optimizer state before
/// every step, each catalogue optimizer bug is pinned to the step where it first acts, with the parameter or the
/// state entry it breaks; the correct engine has no differing step.
/// </summary>
public class TeacherForcingTests
{
    /// <summary>
    /// Per bug: the first differing step, the state entry that differs there (null: none does), whether a parameter
    /// does, and the first step whose parameters differ (null: none within the run).
    /// </summary>
    public static TheoryData<string, int, string?, bool, int?> Bugs => new()
    {
        // The velocity −lr·g is stored where PyTorch keeps the buffer g; the parameters part when it is next read.
        { "momentum-as-velocity", 1, "0.weight.momentum_buffer", false, 2 },
        // The buffer misses wd·p, and the step adds it back beside the buffer: from a forced buffer, only the buffer shows it.
        { "weight-decay-after-momentum", 1, "0.weight.momentum_buffer", false, null },
        { "dampening-on-first-step", 1, "0.weight.momentum_buffer", true, 1 },
        { "nesterov-ignored", 1, null, true, 1 },
        // StepLR(2) decays after epoch 1 instead of 2: the lr in effect at the first step of epoch 2 (4 steps an epoch).
        { "schedule-one-epoch-early", 5, "lr", true, 5 },
        // m and v are PyTorch's; only the step they make is not corrected.
        { "adam-without-bias-correction", 1, null, true, 1 },
        { "adam-moment-correction-missing", 1, null, true, 1 },
        { "adam-square-correction-missing", 1, null, true, 1 },
        { "adam-eps-inside-root", 1, null, true, 1 },
        // v̂ = v agrees with max(v̂, v) until v first falls, which β₂ = 0.5 makes happen at step 2.
        { "amsgrad-max-not-taken", 2, "0.weight.max_exp_avg_sq", true, 2 },
        { "adamw-decay-as-l2", 1, "0.weight.exp_avg", true, 1 },
        // Both decays leave m and v PyTorch's: only the parameters show them.
        { "adamw-decay-after-step", 1, null, true, 1 },
        { "adamw-decay-without-lr", 1, null, true, 1 },
        { "rmsprop-eps-inside-root", 1, null, true, 1 },
        // ḡ is kept as PyTorch keeps it, only never subtracted.
        { "rmsprop-centered-mean-not-subtracted", 1, null, true, 1 },
        // lr / (1 + (t − 1)·lr_decay) is lr at t = 1: the first step agrees.
        { "adagrad-lr-decay-ignored", 2, null, true, 2 },
    };

    [Theory]
    [MemberData(nameof(Bugs))]
    public void EachOptimizerBugIsPinnedToTheStepWhereItFirstActs(string name, int step, string? state, bool parameter, int? parameterStep)
    {
        var bug = Catalogue.All.Single(b => b.Name == name);
        // Two epochs, so that the schedule acts within the run.
        var spec = SpecLoader.Parse(bug.Spec.Replace("train: {epochs: 1,", "train: {epochs: 2,", StringComparison.Ordinal), $"{name}.yaml");

        var result = Force(spec, (model, initial) => new EngineBackend<double>(model, initial, bug.Parts));

        var first = Assert.IsType<ForcedStep>(result.First);
        Assert.False(result.Passed);
        Assert.Equal(step, first.Step);
        Assert.Equal(state, first.FirstState?.Name);
        Assert.Equal(parameter, first.FirstParameter is not null);
        Assert.Equal(parameterStep, result.FirstInParameters?.Step);
        Assert.StartsWith($"step {step} (epoch {first.Epoch}) is the first whose own update differs", result.Verdict, StringComparison.Ordinal);
        if (state is not null)
            Assert.Contains($"optimizer state {state} (max abs err ", result.Verdict, StringComparison.Ordinal);
    }

    public static TheoryData<string> OptimizerSpecs => new(Catalogue.All.Where(b => Bugs.Any(row => (string)row[0] == b.Name)).Select(b => b.Name));

    [Theory]
    [MemberData(nameof(OptimizerSpecs))]
    public void TheCorrectEngineHasNoDifferingStepOnTheBugsSpecs(string name)
    {
        var bug = Catalogue.All.Single(b => b.Name == name);
        var spec = SpecLoader.Parse(bug.Spec.Replace("train: {epochs: 1,", "train: {epochs: 2,", StringComparison.Ordinal), $"{name}.yaml");

        var result = Force(spec, EngineBackend.Create);

        Assert.True(result.Passed, result.Verdict);
        Assert.Equal(8, result.Steps.Count);
    }

    /// <summary>The built-in specs teacher forcing is quick on: Adam(W), RMSprop, and SGD with clipping and a schedule.</summary>
    [Theory]
    [InlineData("disk-adamw.yaml")]
    [InlineData("quadratic-rmsprop.yaml")]
    [InlineData("quadratic-softmax-clip.yaml")]
    [InlineData("disk-three-layers.yaml")]
    public void TheCorrectEngineHasNoDifferingStepOnBuiltInSpecs(string file)
    {
        var spec = SpecLoader.Load(Path.Combine(Repository.Root, "parity-tests", "specs", file));

        var result = Force(spec, EngineBackend.Create);

        Assert.True(result.Passed, $"{file}: {result.Verdict}");
    }

    /// <summary>
    /// A backward mistake under momentum: TorchSharp's optimizer steps on the engine's gradients, so the first step names
    /// the gradient, and neither 0.weight.momentum_buffer nor any parameter, which the wrong gradient only feeds.
    /// </summary>
    [Fact]
    public void A_wrong_gradient_is_named_not_the_momentum_buffer_it_feeds()
    {
        var bug = Catalogue.All.Single(b => b.Name == "tanh-backward-on-input");
        var spec = SpecLoader.Parse(bug.Spec.Replace("optimizer: {sgd: {lr: 0.1}}", "optimizer: {sgd: {lr: 0.1, momentum: 0.9}}", StringComparison.Ordinal), "tanh-momentum.yaml");

        var result = Force(spec, (model, initial) => new EngineBackend<double>(model, initial, bug.Parts));

        var first = Assert.IsType<ForcedStep>(result.First);
        Assert.Equal(1, first.Step);
        Assert.Equal("0.weight", first.FirstGradient?.Name);
        Assert.Null(first.FirstState);
        Assert.Null(result.FirstInParameters);
        Assert.StartsWith("step 1 (epoch 1) is the first whose gradients differ, from the reference's parameters: gradient 0.weight (", result.Verdict, StringComparison.Ordinal);
        Assert.Contains("the gradient is wrong, not the optimizer", result.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_entry_the_optimizer_does_not_use_is_refused_by_name()
    {
        var spec = SpecLoader.Parse(Catalogue.All.Single(b => b.Name == "adam-without-bias-correction").Spec, "adam.yaml");
        var model = ModelDescriptions.Describe(spec);
        using var engine = new EngineBackend<double>(model, InitialParameters.Create(spec));

        // A state naming a buffer Adam does not keep is refused by name, before anything changes.
        var error = Assert.Throws<ArgumentException>(() => engine.SetOptimizerState([new HostTensor("0.weight.momentum_buffer", [8, 2], new double[16])]));
        Assert.Contains("0.weight.momentum_buffer is not one this optimizer's options use", error.Message, StringComparison.Ordinal);
    }

    static TeacherForcingResult Force(ParitySpec spec, BackendFactory create)
    {
        var initial = InitialParameters.Create(spec);
        var model = ModelDescriptions.Describe(spec);
        using var engine = create(model, initial);
        using var twin = new TwinBackend(model, initial);
        return new TeacherForcing(spec, DatasetLoader.Load(spec)).Train(engine, twin);
    }
}
