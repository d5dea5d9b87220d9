using System.Numerics;
using System.Text.Json.Nodes;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;
using Parity.Engine.Optimizers;

namespace Parity.Engine.Tests;

/// <summary>
/// The optimizers take their passes a cache block at a time (<c>BlockedOptimizer</c>), and a split training step
/// hands the blocks to the engine's threads in whatever order they come. Every element's update is its own, so a
/// parameter spanning several blocks (and a partial last one) must step exactly as the same values held as
/// one-element parameters do, each a block of its own, and as its blocks taken last to first: bit for bit, over
/// steps, in every option that changes a pass.
/// </summary>
public class OptimizerBlockTests
{
    const int Length = 5_000;

    public static TheoryData<string> Optimizers => new()
    {
        "adam", "adam l2", "adamw", "adam amsgrad",
        "nadam", "nadam l2",
        "rmsprop", "rmsprop l2 momentum", "rmsprop centered",
        "adagrad", "adagrad l2 decay",
        "sgd", "sgd momentum", "sgd momentum nesterov l2", "sgd momentum dampening",
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_parameter_over_several_blocks_steps_as_its_elements_alone_bit_for_bit(string optimizer)
    {
        Steps<double>(optimizer);
        Steps<float>(optimizer);
    }

    static BlockedOptimizer<T> Create<T>(string optimizer, IReadOnlyList<Parameter<T>> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var decay = optimizer.Contains("l2") ? 0.01 : 0;
        return optimizer.Split(' ')[0] switch
        {
            "adam" => new Adam<T>(parameters, new AdamOptions(0.01, 0.9, 0.999, 1e-8, decay, optimizer.Contains("amsgrad"), Decoupled: false)),
            "adamw" => new Adam<T>(parameters, new AdamOptions(0.01, 0.9, 0.999, 1e-8, 0.01, false, Decoupled: true)),
            "nadam" => new Nadam<T>(parameters, new Described("nadam", new JsonObject
            {
                ["lr"] = 0.01, ["betas"] = new JsonArray(0.9, 0.999), ["eps"] = 1e-8, ["weight_decay"] = decay, ["momentum_decay"] = 0.004,
            })),
            "rmsprop" => new Rmsprop<T>(parameters, new RmspropOptions(0.01, 0.99, 1e-8, decay, optimizer.Contains("momentum") ? 0.9 : 0, optimizer.Contains("centered"))),
            "adagrad" => new Adagrad<T>(parameters, new AdagradOptions(0.01, optimizer.Contains("decay") ? 0.1 : 0, decay, 1e-10, 0.1)),
            "sgd" => new Sgd<T>(parameters, new SgdOptions(0.05, Momentum: optimizer.Contains("momentum") ? 0.9 : 0, Dampening: optimizer.Contains("dampening") ? 0.3 : 0,
                WeightDecay: decay, Nesterov: optimizer.Contains("nesterov"))),
            _ => throw new ArgumentException(optimizer),
        };
    }

    static void Steps<T>(string optimizer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var whole = new Parameter<T>("0.weight", [1, Length], Matrix<T>.From(1, Length, values));
        var reversed = new Parameter<T>("0.weight", [1, Length], Matrix<T>.From(1, Length, values));
        var alone = values.Select((value, i) => new Parameter<T>($"{i}", [1, 1], Matrix<T>.From(1, 1, [value]))).ToArray();
        var (wholeStep, reversedStep, aloneStep) = (Create<T>(optimizer, [whole]), Create<T>(optimizer, [reversed]), Create<T>(optimizer, alone));
        Assert.True(wholeStep.Blocks > 2, $"{Length} values make {wholeStep.Blocks} blocks");

        for (var step = 0; step < 3; step++)
        {
            for (var i = 0; i < Length; i++)
                whole.Grad.Data[i] = reversed.Grad.Data[i] = alone[i].Grad.Data[0] = T.CreateChecked(random.NextDouble() - 0.5);
            wholeStep.Step();
            aloneStep.Step();
            reversedStep.BeginStep();
            for (var block = reversedStep.Blocks - 1; block >= 0; block--)
                reversedStep.Update(block);
            reversedStep.EndStep();
            Assert.Equal(alone.Select(p => p.Value.Data[0]), whole.Value.Data);
            Assert.Equal(whole.Value.Data, reversed.Value.Data);
        }
    }
}
