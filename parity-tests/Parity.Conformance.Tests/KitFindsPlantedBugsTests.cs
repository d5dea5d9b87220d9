using Parity.Conformance.Tests.ContractBugs;
using Parity.Engine;

namespace Parity.Conformance.Tests;

/// <summary>
/// Every check of the kit can fail: each planted contract bug, the built-in engine with one behaviour broken, is found by
/// its check and by no other, on an MLP and on the transformer (a bug of residual blocks on the transformer alone).
/// </summary>
public class KitFindsPlantedBugsTests
{
    static readonly Dictionary<string, (string Check, BackendFactory Create)> Bugs = new()
    {
        ["own initial values"] = ("state-dict", OwnInitialValues.Create),
        ["set parameters rounds to float32"] = ("parameter-round-trip", Wrapped(engine => new SetParametersRoundsToFloat32(engine))),
        ["set parameters not strict"] = ("parameter-round-trip", Wrapped(engine => new SetParametersNotStrict(engine))),
        ["forward named from one"] = ("forward-layers", Wrapped(engine => new ForwardNamedFromOne(engine))),
        ["gradients accumulate"] = ("gradients-without-update", Wrapped(engine => new GradientsAccumulate(engine))),
        ["step doubles the learning rate"] = ("step-follows-sgd", Wrapped(engine => new StepDoublesTheLearningRate(engine))),
        ["train step without step"] = ("train-step", Wrapped(engine => new TrainStepWithoutStep(engine))),
        ["evaluate trains"] = ("evaluate", Wrapped(engine => new EvaluateTrains(engine))),
        ["end of epoch ignored"] = ("end-epoch", Wrapped(engine => new EndEpochIgnored(engine))),
        ["layer probe accumulates"] = ("layer-probe", Wrapped(engine => new LayerProbeAccumulates(engine))),
        ["layer probe evaluation passes through"] = ("layer-probe", Wrapped(engine => new LayerProbeEvaluationPassesThrough(engine))),
        ["forward into in model order"] = ("forward-into", Wrapped(engine => new ForwardIntoInModelOrder(engine))),
        ["parameters into from the start"] = ("parameters-into", Wrapped(engine => new ParametersIntoFromTheStart(engine))),
        ["training loss trains"] = ("training-loss", Wrapped(engine => new TrainingLossTrains(engine))),
        ["layer probe drops the skip"] = ("layer-probe", (model, initial) => new LayerProbeDropsTheSkip(EngineBackend.Create(model, initial), model)),
    };

    /// <summary>The bugs only a model with a residual block has.</summary>
    static readonly string[] BlockBugs = ["layer probe drops the skip"];

    static BackendFactory Wrapped(Func<IBackend, IBackend> bug) =>
        (model, initial) => bug(EngineBackend.Create(model, initial));

    /// <summary>Momentum, Nesterov, weight decay, norm clipping and a step schedule of γ = 0.1 every epoch, in float64.</summary>
    static readonly ConformanceCase Case = ConformanceCases.Standard.Single(c => c.Name == "relu-cross-entropy-float64");

    /// <summary>Token ids, two residual blocks, cross-entropy over positions; momentum, weight decay, norm clipping and an exponential schedule, in float64.</summary>
    static readonly ConformanceCase Transformer = ConformanceCases.Standard.Single(c => c.Name == "transformer-float64");

    public static TheoryData<string, string> BugsAndCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var bug in Bugs.Keys)
            foreach (var c in BlockBugs.Contains(bug) ? [Transformer] : new[] { Case, Transformer })
                data.Add(bug, c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(BugsAndCases))]
    public void EachPlantedBugIsFoundByItsCheckAlone(string bug, string @case)
    {
        var (check, create) = Bugs[bug];

        var findings = ConformanceKit.Run(create, ConformanceCases.Standard.Single(c => c.Name == @case));

        Assert.NotEmpty(findings);
        Assert.All(findings, finding => Assert.Equal(check, finding.Check));
    }

    /// <summary>
    /// A loss in evaluation semantics is ComputeGradients' on the standard cases, which neither drop nor normalise; on a
    /// model with dropout or batch norm the training-loss check finds it, and no other check does.
    /// </summary>
    [Theory]
    [InlineData("{dropout: {p: 0.5}}")]
    [InlineData("batch-norm1d")]
    public void A_training_loss_in_evaluation_semantics_is_found_on_a_training_mode_layer(string layer)
    {
        var c = TrainingModeCase.Of("float64", layer);

        var findings = ConformanceKit.Run(Wrapped(engine => new TrainingLossEvaluates(engine)), c);

        Assert.NotEmpty(findings);
        Assert.All(findings, finding => Assert.Equal("training-loss", finding.Check));
        Assert.Empty(ConformanceKit.Run(Wrapped(engine => new TrainingLossEvaluates(engine)), Case));
    }

    [Fact]
    public void EveryCheckHasAPlantedBug() =>
        Assert.Equal(ConformanceKit.Checks.Select(c => c.Name).Order(), Bugs.Values.Select(b => b.Check).Distinct().Order());

    [Fact]
    public void VerifyThrowsWithEveryFindingInItsMessage()
    {
        var error = Assert.Throws<ConformanceException>(() => ConformanceKit.Verify(Bugs["end of epoch ignored"].Create, Case));

        Assert.Equal(error.Findings.Count, error.Message.Split('\n').Length - 1);
        Assert.StartsWith("the backend breaks the engine contract in ", error.Message);
        Assert.Contains("end-epoch on relu-cross-entropy-float64: after EndEpoch (step schedule, the step 0.1× the first)", error.Message);
    }
}
