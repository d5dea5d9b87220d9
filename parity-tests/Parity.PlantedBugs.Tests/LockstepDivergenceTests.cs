using Parity.Engine;
using Parity.Engine.Optimizers;
using Parity.Harness.Training;
using Parity.PlantedBugs.Tests.Bugs;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;
using Parity.Torch.Twin;

namespace Parity.PlantedBugs.Tests;

/// <summary><c>parity train</c>'s lockstep comparison finds a planted divergence at its first step, in the right layer.</summary>
public class LockstepDivergenceTests
{
    const string Spec = """
        name: lockstep-divergence
        seed: 31
        data: {source: disk, train: 200, test: 100}
        model: [linear: 8, tanh, linear: 1]
        loss: mse
        optimizer: {sgd: {lr: 0.1, momentum: 0.9, dampening: 0.3}}
        train: {epochs: 3, batch: 50}
        """;

    static LockstepResult Train(EngineParts<double> parts)
    {
        var spec = SpecLoader.Parse(Spec, "lockstep-divergence.yaml");
        var initial = InitialParameters.Create(spec);
        using var engine = new EngineBackend<double>(ModelDescriptions.Describe(spec), initial, parts);
        using var twin = new TwinBackend(ModelDescriptions.Describe(spec), initial);
        return new LockstepTrainer(spec, DatasetLoader.Load(spec)).Train(engine, twin);
    }

    [Fact]
    public void The_correct_engine_stays_within_rounding_for_every_step()
    {
        var result = Train(EngineParts<double>.Standard);

        Assert.Null(result.FirstDivergence);
        Assert.Null(result.FirstBeyondRounding);
        Assert.Equal(12, result.Steps.Count);
        Assert.All(result.Steps, s => Assert.True(s.RelativeDrift <= RoundingBound.At(DType.Float64, s.Step), $"step {s.Step}: {s.RelativeDrift}"));
    }

    [Fact]
    public void Momentum_written_as_velocity_diverges_at_the_second_step()
    {
        // With dampening the velocity form agrees with PyTorch on the first step and parts on the second.
        var result = Train(EngineParts<double>.Standard with
        {
            Optimizers = EngineParts<double>.Standard.Optimizers.With("sgd", (parameters, sgd) => MomentumAsVelocity.Create(parameters, SgdOptions.From(sgd))),
        });

        var divergence = Assert.IsType<Divergence>(result.FirstDivergence);
        Assert.Equal(2, divergence.Step);
        Assert.Equal(1, divergence.Epoch);
        Assert.Contains("in one jump", divergence.Reason);
        Assert.True(result.Steps[0].RelativeDrift <= RoundingBound.At(DType.Float64, 1));
    }

    [Fact]
    public void A_wrong_bias_gradient_in_the_last_layer_diverges_at_the_first_step_in_that_layer()
    {
        var result = Train(EngineParts<double>.Standard with
        {
            Layers = EngineParts<double>.Standard.Layers.With("linear", layer => layer.Index == 2 ? BiasGradientAveraged.Create(layer) : EngineParts<double>.Standard.Layers["linear"](layer)),
        });

        var divergence = Assert.IsType<Divergence>(result.FirstDivergence);
        Assert.Equal(1, divergence.Step);
        Assert.Equal("2.bias", divergence.Parameter);
        Assert.Equal("layer 2 (linear)", divergence.Layer);
    }
}
