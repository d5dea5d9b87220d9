using System.Numerics;
using System.Text.Json.Nodes;
using Parity.Engine;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;
using Parity.Engine.Tests;
using Parity.Spec;
using Parity.Torch.Twin;
using TorchSharp;
using static TorchSharp.torch;

namespace Parity.Torch.Tests;

/// <summary>
/// tinygrad's op helper for every layer op of the catalogue, so a new op needs no test code: seeded
/// random inputs (and parameters), the engine's forward against TorchSharp's, and the backward of a
/// random upstream gradient — engine <c>Backward(g)</c> against <c>output.backward(g)</c> on the input's
/// and every parameter's gradient — in float64 and float32; plus central differences of the random
/// linear functional Σ g ⊙ y checking the engine's float64 backward on its own. Both sides run in
/// training mode on one batch: an op whose row says it drops elements gets a seeded mask from it,
/// the same for the engine, TorchSharp and the differences.
/// </summary>
public class OpHelperTests
{
    const int Rows = 5, Features = 4;

    /// <summary>
    /// Each catalogue op in each of its examples (settings and one sample's input shape: images for the
    /// ops that take them), the first also with each other word of its choice options; and linear.
    /// </summary>
    public static TheoryData<string, string, string> Ops()
    {
        var ops = new TheoryData<string, string, string> { { "linear", new JsonObject { ["in_features"] = Features, ["out_features"] = 3, ["bias"] = true }.ToJsonString(), $"{Features}" } };
        foreach (var op in LayerOps.All)
            foreach (var (example, i) in op.Examples.Select((e, i) => (e, i)))
            {
                var described = op.Describe(op.Settle(example.Given), example.InputShape);
                var input = string.Join(",", example.InputShape);
                ops.Add(op.Keyword, described.ToJsonString(), input);
                if (i > 0)
                    continue;
                foreach (var option in op.Options.Where(o => o.Words is not null))
                    foreach (var word in option.Words!.Skip(1))
                    {
                        var variant = (JsonObject)described.DeepClone();
                        variant[option.Name] = word;
                        ops.Add(op.Keyword, variant.ToJsonString(), input);
                    }
            }
        return ops;
    }

    /// <summary>The layer as a model description has it: options, and one sample's input and output shapes (the catalogue's rule).</summary>
    static LayerDescription Layer(string kind, string options, string inputShape)
    {
        var parsed = JsonNode.Parse(options)!.AsObject();
        int[] input = [.. inputShape.Split(',').Select(int.Parse)];
        var output = kind == "linear" ? [parsed["out_features"]!.GetValue<int>()] : LayerOps.Of(kind).Shape(new OpSettings(parsed), input);
        return new LayerDescription(0, kind, parsed, input, output);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Float64ForwardAndBackwardAgreeWithTorch(string kind, string options, string inputShape) =>
        AgreesWithTorch(Layer(kind, options, inputShape), EngineParts<double>.Standard.Layers[kind], ScalarType.Float64, rtol: 1e-10, atol: 1e-12);

    [Theory]
    [MemberData(nameof(Ops))]
    public void Float32ForwardAndBackwardAgreeWithTorch(string kind, string options, string inputShape) =>
        AgreesWithTorch(Layer(kind, options, inputShape), EngineParts<float>.Standard.Layers[kind], ScalarType.Float32, rtol: 1e-4, atol: 1e-5);

    [Theory]
    [MemberData(nameof(Ops))]
    public void Float64BackwardAgreesWithFiniteDifferences(string kind, string options, string inputShape) =>
        AgreesWithFiniteDifferences(Layer(kind, options, inputShape), EngineParts<double>.Standard.Layers[kind]);

    [Theory]
    [InlineData(PlantedBackward.Mistake.IgnoresUpstream)]
    [InlineData(PlantedBackward.Mistake.DoublesUpstream)]
    public void APlantedBackwardFailsTheTorchComparison(PlantedBackward.Mistake mistake)
    {
        var layer = Layer("tanh", "{}", $"{Features}");
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AgreesWithTorch(layer, l => new PlantedBackward(EngineParts<double>.Standard.Layers["tanh"](l), mistake), ScalarType.Float64, 1e-10, 1e-12));
    }

    [Theory]
    [InlineData(PlantedBackward.Mistake.IgnoresUpstream)]
    [InlineData(PlantedBackward.Mistake.DoublesUpstream)]
    public void APlantedBackwardFailsTheFiniteDifferences(PlantedBackward.Mistake mistake)
    {
        var layer = Layer("tanh", "{}", $"{Features}");
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AgreesWithFiniteDifferences(layer, l => new PlantedBackward(EngineParts<double>.Standard.Layers["tanh"](l), mistake)));
    }

    /// <summary>A module with seeded parameters, input, upstream gradient and batch (the same draws for every dtype), prepared to train on the batch.</summary>
    static (Module<T> Module, double[] Input, double[] Upstream, Dictionary<string, double[]> Parameters, Batch Batch) Draw<T>(LayerDescription layer, Func<LayerDescription, Module<T>> build)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = SeededRandom.For(13, $"op helper {layer.Kind} {layer.Options.ToJsonString()}");
        double[] Normals(int count, double scale) => Enumerable.Range(0, count).Select(_ => scale * random.Normal()).ToArray();
        var module = build(layer);
        var parameters = module.Parameters.ToDictionary(p => p.Name, p => Normals(p.Value.Data.Length, 0.5));
        foreach (var parameter in module.Parameters)
            parameter.Value.CopyFrom(parameters[parameter.Name]);
        var input = Normals(Rows * Count(layer.InputShape), 3);
        var upstream = Normals(Rows * Count(layer.OutputShape), 1);
        var drop = LayerOps.Find(layer.Kind)?.DropProbability;
        var masks = drop is null ? null : new[] { Batches.Mask(Batch.MaskName(layer.Index), Rows, layer.InputShape, drop(new OpSettings(layer.Options)), random) };
        var batch = new Batch(Rows, Count(layer.InputShape), input, null, null, 0, masks);
        module.Prepare(ForwardMode.Training, batch, 0, Rows);
        return (module, input, upstream, parameters, batch);
    }

    static void AgreesWithTorch<T>(LayerDescription layer, Func<LayerDescription, Module<T>> build, ScalarType dtype, double rtol, double atol)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (module, input, upstream, parameters, batch) = Draw(layer, build);
        var output = Host(module.Forward(Matrix<T>.From(Rows, Count(layer.InputShape), input)).Data);
        var gradInput = Host(module.Backward(Matrix<T>.From(Rows, Count(layer.OutputShape), upstream)).Data);

        using var scope = NewDisposeScope();
        var twinParameters = module.Parameters.ToDictionary(p => p.Name,
            p => new TorchSharp.Modules.Parameter(HostTensors.ToTorch(parameters[p.Name], p.Shape.Select(d => (long)d).ToArray(), dtype), requires_grad: true));
        var x = HostTensors.ToTorch(input, [Rows, .. layer.InputShape.Select(d => (long)d)], dtype).requires_grad_();
        var mode = new TwinMode();
        mode.Train((batch.Masks ?? []).ToDictionary(m => m.Name, m => HostTensors.ToTorch(m.Data, [.. m.Shape.Select(d => (long)d)], dtype)));
        var y = TwinOps.Layer(layer, twinParameters, mode)(x);
        y.backward([HostTensors.ToTorch(upstream, [Rows, .. layer.OutputShape.Select(d => (long)d)], dtype)]);

        Close.Equal(HostTensors.ToHost(y), output, rtol, atol);
        Close.Equal(HostTensors.ToHost(x.grad!), gradInput, rtol, atol);
        foreach (var parameter in module.Parameters)
            Close.Equal(HostTensors.ToHost(twinParameters[parameter.Name].grad!), Host(parameter.Grad.Data), rtol, atol);
    }

    /// <summary>∂(Σ g ⊙ y)/∂θ by central differences at every coordinate of the input and each parameter (a few dozen), against the engine's backward of g.</summary>
    static void AgreesWithFiniteDifferences(LayerDescription layer, Func<LayerDescription, Module<double>> build)
    {
        var (module, input, upstream, _, _) = Draw(layer, build);
        var x = Matrix<double>.From(Rows, Count(layer.InputShape), input);
        module.Forward(x);
        var gradInput = (double[])module.Backward(Matrix<double>.From(Rows, Count(layer.OutputShape), upstream)).Data.Clone();
        double Functional() => module.Forward(x).Data.Select((v, i) => v * upstream[i]).Sum();

        FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(x.Data, Functional), gradInput, $"{layer.Kind} input");
        foreach (var parameter in module.Parameters)
            FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(parameter.Value.Data, Functional), parameter.Grad.Data, $"{layer.Kind} {parameter.Name}");
    }

    static int Count(int[] shape) => shape.Aggregate(1, (n, d) => n * d);

    static double[] Host<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T> => values.Select(double.CreateChecked).ToArray();
}
