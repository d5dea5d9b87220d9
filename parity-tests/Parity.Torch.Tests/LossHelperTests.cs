using System.Numerics;
using System.Text.Json.Nodes;
using Parity.Engine;
using Parity.Engine.Losses;
using Parity.Engine.Numerics;
using Parity.Engine.Tests;
using Parity.Spec;
using Parity.Torch.Twin;
using static TorchSharp.torch;

namespace Parity.Torch.Tests;

/// <summary>
/// The op helper's loss side: every loss of the catalogue from its row — its options at their
/// defaults, each reduction — on seeded random outputs and targets of the kind its row says (class
/// indices, probabilities, any values); the engine's loss and dL/d output against TorchSharp's in
/// float64 and float32, and against central differences in float64. Every fifth value target equals
/// its output, so each loss is also checked at d = p − y = 0, l1's kink (PyTorch's sign(0) = 0).
/// </summary>
public class LossHelperTests
{
    const int Rows = 6, Width = 3;

    public static TheoryData<string, string> Losses()
    {
        var losses = new TheoryData<string, string>();
        foreach (var op in LossOps.All)
            foreach (var reduction in new[] { "mean", "sum" })
            {
                var options = new JsonObject(op.Options.Select(o => KeyValuePair.Create(o.Name, (JsonNode?)o.Default!.DeepClone()))) { ["reduction"] = reduction };
                losses.Add(op.Keyword, options.ToJsonString());
            }
        return losses;
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void Float64LossAndGradientAgreeWithTorch(string kind, string options) =>
        AgreesWithTorch<double>(new Described(kind, JsonNode.Parse(options)!.AsObject()), ScalarType.Float64, rtol: 1e-12, atol: 1e-14);

    [Theory]
    [MemberData(nameof(Losses))]
    public void Float32LossAndGradientAgreeWithTorch(string kind, string options) =>
        AgreesWithTorch<float>(new Described(kind, JsonNode.Parse(options)!.AsObject()), ScalarType.Float32, rtol: 1e-5, atol: 1e-7);

    [Theory]
    [MemberData(nameof(Losses))]
    public void Float64GradientAgreesWithFiniteDifferences(string kind, string options)
    {
        var loss = new Described(kind, JsonNode.Parse(options)!.AsObject());
        var (output, classes, targets) = Draw(loss);
        var engine = EngineParts<double>.Standard.Losses[kind](loss);
        var x = Matrix<double>.From(Rows, Width, output);
        var lossTargets = Targets<double>(classes, targets);
        engine.Forward(x, lossTargets);
        var analytical = (double[])engine.Backward().Data.Clone();
        FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(x.Data, () => engine.Forward(x, lossTargets)), analytical, $"{kind} dL/d output");
    }

    /// <summary>Outputs and targets for the loss, by what its row says it takes; the same draws for every dtype.</summary>
    static (double[] Output, int[]? Classes, double[]? Targets) Draw(Described loss)
    {
        var op = LossOps.All.Single(o => o.Keyword == loss.Kind);
        var random = SeededRandom.For(13, $"loss helper {loss.Kind} {loss.Options.ToJsonString()}");
        var normals = Enumerable.Range(0, Rows * Width).Select(_ => 2 * random.Normal()).ToArray();
        var output = op.TakesProbabilities ? normals.Select(v => 1 / (1 + Math.Exp(-v))).ToArray() : normals;
        if (op.TakesClasses)
            return (output, Enumerable.Range(0, Rows).Select(_ => random.NextInt(Width)).ToArray(), null);
        var targets = output.Select((p, i) => i % 5 == 0 ? p : random.NextDouble()).ToArray();
        return (output, null, targets);
    }

    static LossTargets<T> Targets<T>(int[]? classes, double[]? targets) where T : unmanaged, IFloatingPointIeee754<T> =>
        classes is not null ? new(null, classes) : new(Matrix<T>.From(Rows, Width, targets!), null);

    static void AgreesWithTorch<T>(Described loss, ScalarType dtype, double rtol, double atol) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (output, classes, targets) = Draw(loss);
        var engine = EngineParts<T>.Standard.Losses[loss.Kind](loss);
        var value = engine.Forward(Matrix<T>.From(Rows, Width, output), Targets<T>(classes, targets));
        var gradient = engine.Backward().Data.Select(double.CreateChecked).ToArray();

        using var scope = NewDisposeScope();
        var x = HostTensors.ToTorch(output, [Rows, Width], dtype).requires_grad_();
        var target = classes is not null ? tensor(classes.Select(c => (long)c).ToArray(), [Rows], ScalarType.Int64) : HostTensors.ToTorch(targets!, [Rows, Width], dtype);
        var twin = TwinOps.Loss(loss)(x, target);
        twin.backward();

        Close.Equal(HostTensors.ToHost(twin)[0], value, rtol, atol);
        Close.Equal(HostTensors.ToHost(x.grad!), gradient, rtol, atol);
    }
}
