using System.Numerics;
using System.Text.Json.Nodes;
using Parity.Engine;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;
using Parity.Engine.Optimizers;
using Parity.Spec;
using Parity.Torch.Twin;
using TorchSharp;
using static TorchSharp.torch;

namespace Parity.Torch.Tests;

/// <summary>
/// The op helper's counterpart for optimizers: every optimizer of the catalogue in each of its example variants,
/// made from the model description as the spec loader completes it, is stepped by the engine and by TorchSharp's
/// own torch.optim class on the same seeded parameters and gradients, in float64 and float32; after every step
/// the parameters and the whole optimizer state (<see cref="IOptimizerState"/>'s entries, by name) must agree.
/// Half-way, the engine's state is written into a fresh TorchSharp optimizer (teacher forcing's direction is the
/// other, both go through the same names), which must then step on as the engine does. A new optimizer needs no
/// test code here.
/// </summary>
public class OptimizerHelperTests
{
    const int Steps = 6;
    static readonly int[][] Shapes = [[3, 4], [3]];

    public static TheoryData<string, string> Optimizers()
    {
        var optimizers = new TheoryData<string, string>();
        foreach (var op in OptimizerOps.All)
            foreach (var example in op.Examples)
                optimizers.Add(op.Keyword, op.With(example).Describe().Options.ToJsonString());
        return optimizers;
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Float64StepsAgreeWithTorch(string kind, string options) =>
        AgreesWithTorch<double>(new Described(kind, JsonNode.Parse(options)!.AsObject()), EngineParts<double>.Standard.Optimizers[kind], ScalarType.Float64, rtol: 1e-10);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Float32StepsAgreeWithTorch(string kind, string options) =>
        AgreesWithTorch<float>(new Described(kind, JsonNode.Parse(options)!.AsObject()), EngineParts<float>.Standard.Optimizers[kind], ScalarType.Float32, rtol: 1e-4);

    [Fact]
    public void APlantedStepFailsTheTorchComparison()
    {
        var adam = OptimizerOps.Of("adam").With([]).Describe();
        // The engine's Adam made with twice the learning rate it is given: every step twice as long.
        var doubled = (IReadOnlyList<Parameter<double>> parameters, Described described) =>
            EngineParts<double>.Standard.Optimizers["adam"](parameters, described with { Options = new JsonObject(described.Options.Select(o => KeyValuePair.Create(o.Key, o.Key == "lr" ? JsonValue.Create(2 * o.Value!.GetValue<double>()) : o.Value?.DeepClone()))) });
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AgreesWithTorch<double>(adam, doubled, ScalarType.Float64, rtol: 1e-10));
    }

    [Fact]
    public void EveryOptimizerOfTheCatalogueIsInTheEngine() =>
        Assert.Empty(OptimizerOps.All.Select(op => op.Keyword).Except(EngineParts<double>.Standard.Optimizers.Kinds));

    static void AgreesWithTorch<T>(Described optimizer, Func<IReadOnlyList<Parameter<T>>, Described, IOptimizer> build, ScalarType dtype, double rtol)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = SeededRandom.For(17, $"optimizer helper {optimizer.Kind} {optimizer.Options.ToJsonString()}");
        double[] Normals(int count) => [.. Enumerable.Range(0, count).Select(_ => random.Normal())];
        var names = Shapes.Select((_, i) => $"0.{(i == 0 ? "weight" : "bias")}").ToList();
        var initial = Shapes.Select(shape => Normals(shape.Aggregate(1, (n, d) => n * d))).ToList();
        var gradients = Enumerable.Range(0, Steps).Select(_ => Shapes.Select(shape => Normals(shape.Aggregate(1, (n, d) => n * d))).ToList()).ToList();

        var engineParameters = Shapes.Select((shape, i) =>
        {
            var value = new Matrix<T>(shape[0], shape.Length > 1 ? shape[1] : 1);
            value.CopyFrom(initial[i]);
            return new Parameter<T>(names[i], shape, value);
        }).ToList();
        var engine = build(engineParameters, optimizer);

        using var scope = NewDisposeScope();
        var longShapes = Shapes.Select(shape => shape.Select(d => (long)d).ToArray()).ToList();
        var torchParameters = initial.Select((values, i) => new TorchSharp.Modules.Parameter(HostTensors.ToTorch(values, longShapes[i], dtype))).ToList();
        var twin = TwinOps.Optimizer(torchParameters, optimizer);

        for (var step = 1; step <= Steps; step++)
        {
            if (step == Steps / 2 + 1)
            {
                // TorchSharp takes over from the engine's state: a fresh optimizer on the engine's parameters.
                torchParameters = engineParameters.Select((p, i) => new TorchSharp.Modules.Parameter(HostTensors.ToTorch(p.Value.ToDoubles(), longShapes[i], dtype))).ToList();
                twin = TwinOps.Optimizer(torchParameters, optimizer);
                TwinOptimizerState.Write(twin, names, longShapes, dtype, optimizer, [.. engine.State(), new HostTensor(OptimizerStateKeys.Lr, [], [engine.Lr])]);
            }
            for (var i = 0; i < Shapes.Length; i++)
            {
                engineParameters[i].Grad.CopyFrom(gradients[step - 1][i]);
                torchParameters[i].grad = HostTensors.ToTorch(gradients[step - 1][i], longShapes[i], dtype);
            }
            engine.Step();
            twin.step();
            for (var i = 0; i < Shapes.Length; i++)
                Close($"{optimizer.Kind} {names[i]} after step {step}", HostTensors.ToHost(torchParameters[i].detach()), engineParameters[i].Value.ToDoubles(), rtol);
            var twinState = TwinOptimizerState.Read(twin, names, optimizer).Where(e => e.Name != OptimizerStateKeys.Lr).ToDictionary(e => e.Name);
            var engineState = engine.State().ToDictionary(e => e.Name);
            Assert.Equal(twinState.Keys.Order(), engineState.Keys.Order());
            foreach (var (name, entry) in twinState)
                Close($"{optimizer.Kind} {name} after step {step}", entry.Data, engineState[name].Data, rtol);
        }
    }

    static void Close(string what, double[] expected, double[] actual, double rtol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= rtol * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: engine {actual[i]:R} vs TorchSharp {expected[i]:R}");
    }
}
