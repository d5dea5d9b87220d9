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
/// linear functional Σ g ⊙ y checking the engine's float64 backward on its own. Both sides run a
/// training step on one batch — an op whose row says it drops elements (p > 0) gets a seeded mask from it, the
/// same for the engine, TorchSharp and the differences, shaped as its row says — an op that takes token ids
/// gets ids below its vocabulary, whose gradient is zeros — and the buffers it moves (batch norm's running
/// statistics) are compared after it; an evaluation forward is compared on its own.
/// </summary>
public class OpHelperTests
{
    const int Rows = 5, Features = 4;

    /// <summary>
    /// Each catalogue op in each of its examples (settings and one sample's input shape: images for the
    /// ops that take them), the first also with each other word of its choice options, and all of that again
    /// with every dimension odd; and linear.
    /// </summary>
    public static TheoryData<string, string, string> Ops()
    {
        var ops = new TheoryData<string, string, string> { { "linear", new JsonObject { ["in_features"] = Features, ["out_features"] = 3, ["bias"] = true }.ToJsonString(), $"{Features}" } };
        foreach (var op in LayerOps.All)
            foreach (var (example, i) in op.Examples.Select((e, i) => (e, i)))
            {
                var settings = op.Settle(example.Given);
                // The first example also with every dimension odd, where the op takes such a shape: its batch then fills no
                // whole number of vectors of any width, so a kernel's remainder after its whole vectors runs too. 5 rows of 4
                // features are five whole Vector<double>s: a bug planted in a float64 kernel's scalar remainder passed every test.
                int[][] shapes = i == 0 && Odd(example.InputShape) is { } odd && Takes(op, settings, odd) ? [example.InputShape, odd] : [example.InputShape];
                foreach (var shape in shapes)
                {
                    var described = op.Describe(settings, shape);
                    var input = string.Join(",", shape);
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
            }
        return ops;
    }

    /// <summary>The shape with each even dimension one larger; null when every one is odd already.</summary>
    static int[]? Odd(int[] shape) => shape.All(d => d % 2 == 1) ? null : [.. shape.Select(d => d | 1)];

    static bool Takes(LayerOp op, OpSettings settings, int[] inputShape)
    {
        try
        {
            op.Shape(settings, inputShape);
            return true;
        }
        catch (ShapeException)
        {
            return false;
        }
    }

    /// <summary>The layer as a model description has it: options, and one sample's input and output shapes (the catalogue's rule).</summary>
    internal static LayerDescription Layer(string kind, string options, string inputShape)
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
    public void Float64EvaluationAgreesWithTorch(string kind, string options, string inputShape) =>
        EvaluationAgreesWithTorch(Layer(kind, options, inputShape), EngineParts<double>.Standard.Layers[kind], ScalarType.Float64, rtol: 1e-10, atol: 1e-12);

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

    /// <summary>
    /// A module with seeded parameters, buffers, input, upstream gradient and batch (the same draws for
    /// every dtype), prepared for <paramref name="mode"/> on the batch. Buffers are whole numbers from 1
    /// to 3: a valid running variance, and a count that an int64 counter holds exactly.
    /// </summary>
    static (Module<T> Module, double[] Input, double[] Upstream, Dictionary<string, double[]> Tensors, Batch Batch) Draw<T>(LayerDescription layer, Func<LayerDescription, Module<T>> build, ForwardMode mode)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = SeededRandom.For(13, $"op helper {layer.Kind} {layer.Options.ToJsonString()}");
        double[] Normals(int count, double scale) => Enumerable.Range(0, count).Select(_ => scale * random.Normal()).ToArray();
        var module = build(layer);
        var tensors = module.Parameters.ToDictionary(p => p.Name, p => Normals(p.Value.Data.Length, 0.5));
        foreach (var buffer in module.Buffers)
            tensors[buffer.Name] = [.. Enumerable.Range(0, buffer.Value.Data.Length).Select(_ => 1.0 + random.NextInt(3))];
        foreach (var tensor in module.Parameters.Concat(module.Buffers))
            tensor.Value.CopyFrom(tensors[tensor.Name]);
        var (op, settings) = (LayerOps.Find(layer.Kind), new OpSettings(layer.Options));
        // An op that takes token ids gets whole numbers below its vocabulary, as a model's token input holds them.
        var input = Vocabulary(layer) is { } vocabulary
            ? [.. Enumerable.Range(0, Rows * Count(layer.InputShape)).Select(_ => (double)random.NextInt(vocabulary))]
            : Normals(Rows * Count(layer.InputShape), 3);
        var upstream = Normals(Rows * Count(layer.OutputShape), 1);
        // As Parity's batches: a mask only for a layer that drops (p > 0), so that one with p = 0 shows it needs none.
        var masks = op?.Drops(settings) is not true ? null
            : new[] { Batches.Mask(Batch.MaskName(layer.Path), Rows, op.MaskShape(settings, layer.InputShape), op.DropProbability!(settings), random) };
        var batch = new Batch(Rows, Count(layer.InputShape), input, null, null, 0, masks);
        module.Prepare(mode, batch, 0, Rows);
        return (module, input, upstream, tensors, batch);
    }

    /// <summary>How many token ids the layer's input may hold (embedding's vocabulary), or null when it takes values.</summary>
    static int? Vocabulary(LayerDescription layer) => LayerOps.Find(layer.Kind)?.Vocabulary?.Invoke(new OpSettings(layer.Options));

    /// <summary>The input as TorchSharp takes it: values to differentiate, or token ids as int64, which have no gradient.</summary>
    static Tensor TorchInput(LayerDescription layer, double[] input, ScalarType dtype)
    {
        var x = HostTensors.ToTorch(input, [Rows, .. layer.InputShape.Select(d => (long)d)], dtype);
        return Vocabulary(layer) is null ? x.requires_grad_() : x.to(ScalarType.Int64);
    }

    /// <summary>The layer in TorchSharp from the same values, its twin mode set as <paramref name="training"/> says (a training step's, which moves buffers).</summary>
    static (Func<Tensor, Tensor> Layer, Dictionary<string, TorchSharp.Modules.Parameter> Parameters, Dictionary<string, Tensor> Buffers) Twin<T>(
        LayerDescription layer, Module<T> module, Dictionary<string, double[]> tensors, Batch batch, ScalarType dtype, bool training)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long[] Shape(int[] shape) => [.. shape.Select(d => (long)d)];
        var parameters = module.Parameters.ToDictionary(p => p.Name,
            p => new TorchSharp.Modules.Parameter(HostTensors.ToTorch(tensors[p.Name], Shape(p.Shape), dtype), requires_grad: true));
        var buffers = module.Buffers.ToDictionary(b => b.Name, b => HostTensors.Buffer(b.Name, tensors[b.Name], Shape(b.Shape), dtype));
        var mode = new TwinMode();
        if (training)
            mode.Train((batch.Masks ?? []).ToDictionary(m => m.Name, m => HostTensors.ToTorch(m.Data, Shape(m.Shape), dtype)), updatesBuffers: true);
        else
            mode.Evaluate();
        return (TwinOps.Layer(layer, parameters, buffers, mode), parameters, buffers);
    }

    /// <summary>A training step's forward and backward, and the buffers it moves, against TorchSharp's.</summary>
    static void AgreesWithTorch<T>(LayerDescription layer, Func<LayerDescription, Module<T>> build, ScalarType dtype, double rtol, double atol)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (module, input, upstream, tensors, batch) = Draw(layer, build, ForwardMode.Training);
        var output = Host(module.Forward(Matrix<T>.From(Rows, Count(layer.InputShape), input)).Data);
        var gradInput = Host(module.Backward(Matrix<T>.From(Rows, Count(layer.OutputShape), upstream)).Data);

        using var scope = NewDisposeScope();
        var (twin, parameters, buffers) = Twin(layer, module, tensors, batch, dtype, training: true);
        var x = TorchInput(layer, input, dtype);
        var y = twin(x);
        y.backward([HostTensors.ToTorch(upstream, [Rows, .. layer.OutputShape.Select(d => (long)d)], dtype)]);

        Close.Equal(HostTensors.ToHost(y), output, rtol, atol);
        // Token ids have no gradient; the contract has the engine send zeros for them.
        Close.Equal(Vocabulary(layer) is null ? HostTensors.ToHost(x.grad!) : new double[input.Length], gradInput, rtol, atol);
        foreach (var parameter in module.Parameters)
            Close.Equal(HostTensors.ToHost(parameters[parameter.Name].grad!), Host(parameter.Grad.Data), rtol, atol);
        foreach (var buffer in module.Buffers)
            Close.Equal(HostTensors.ToHost(buffers[buffer.Name]), Host(buffer.Value.Data), rtol, atol);
    }

    /// <summary>An evaluation forward (dropout off, batch norm on its running statistics) against TorchSharp's, taken as the twin evaluates.</summary>
    static void EvaluationAgreesWithTorch<T>(LayerDescription layer, Func<LayerDescription, Module<T>> build, ScalarType dtype, double rtol, double atol)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (module, input, _, tensors, batch) = Draw(layer, build, ForwardMode.Evaluation);
        var output = Host(module.Forward(Matrix<T>.From(Rows, Count(layer.InputShape), input)).Data);

        using var scope = NewDisposeScope();
        var (twin, _, _) = Twin(layer, module, tensors, batch, dtype, training: false);
        // Without a gradient, as the twin evaluates: an op may take another kernel then (max-pool2d does).
        using var noGrad = no_grad();
        Close.Equal(HostTensors.ToHost(twin(TorchInput(layer, input, dtype).detach())), output, rtol, atol);
    }

    /// <summary>∂(Σ g ⊙ y)/∂θ by central differences at every coordinate of the input and each parameter (a few dozen), against the engine's backward of g.</summary>
    static void AgreesWithFiniteDifferences(LayerDescription layer, Func<LayerDescription, Module<double>> build)
    {
        var (module, input, upstream, _, _) = Draw(layer, build, ForwardMode.Training);
        var x = Matrix<double>.From(Rows, Count(layer.InputShape), input);
        module.Forward(x);
        var gradInput = (double[])module.Backward(Matrix<double>.From(Rows, Count(layer.OutputShape), upstream)).Data.Clone();
        double Functional() => module.Forward(x).Data.Select((v, i) => v * upstream[i]).Sum();

        // Token ids are not moved by differences: a nudged id is no id.
        if (Vocabulary(layer) is null)
            FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(x.Data, Functional), gradInput, $"{layer.Kind} input");
        foreach (var parameter in module.Parameters)
            FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(parameter.Value.Data, Functional), parameter.Grad.Data, $"{layer.Kind} {parameter.Name}");
    }

    internal static int Count(int[] shape) => shape.Aggregate(1, (n, d) => n * d);

    static double[] Host<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T> => values.Select(double.CreateChecked).ToArray();
}
