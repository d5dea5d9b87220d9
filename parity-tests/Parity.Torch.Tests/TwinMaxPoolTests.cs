using System.Text.Json.Nodes;
using Parity.Spec;
using Parity.Torch.Twin;
using static TorchSharp.torch;

namespace Parity.Torch.Tests;

/// <summary>
/// The twin's max-pool2d runs libtorch's channels-last kernel when no gradient is taken (every evaluation) and the
/// [N, C, H, W] kernel when one is: the two must give the same bits, or the twin's evaluation would part from its
/// training. The inputs are drawn from few values, so that most windows hold ties — −0 beside +0 among them, which
/// only the first-maximum rule tells apart — and NaNs and infinities.
/// </summary>
public class TwinMaxPoolTests
{
    static readonly double[] Values = [-0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -1, double.NegativeInfinity, 1, 2, double.NaN, double.PositiveInfinity];

    public static TheoryData<string, string, ScalarType> Cases()
    {
        var cases = new TheoryData<string, string, ScalarType>();
        var examples = LayerOps.Of("max-pool2d").Examples.Select(e => ((JsonObject)e.Given.DeepClone(), e.InputShape))
            // the Fashion CNN's first pool; and windows that overlap, where an input is the maximum of several
            .Append((new JsonObject { ["kernel_size"] = new JsonArray(2, 2) }, [16, 28, 28]))
            .Append((new JsonObject { ["kernel_size"] = new JsonArray(3, 3), ["stride"] = new JsonArray(1, 2), ["padding"] = new JsonArray(1, 0) }, [3, 7, 6]));
        foreach (var (given, shape) in examples)
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
                cases.Add(given.ToJsonString(), string.Join(",", shape), dtype);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Without_a_gradient_the_same_bits_as_with_one(string given, string inputShape, ScalarType dtype)
    {
        var op = LayerOps.Of("max-pool2d");
        var settings = op.Settle(JsonNode.Parse(given)!.AsObject());
        int[] shape = [.. inputShape.Split(',').Select(int.Parse)];
        var layer = new LayerDescription(0, "max-pool2d", op.Describe(settings, shape), shape, op.Shape(settings, shape));
        const int rows = 4;
        var random = new Random(shape.Sum());
        var input = Enumerable.Range(0, rows * shape.Aggregate(1, (n, d) => n * d)).Select(_ => Values[random.Next(Values.Length)]).ToArray();
        using var scope = NewDisposeScope();
        var pool = TwinOps.Layer(layer, new Dictionary<string, TorchSharp.Modules.Parameter>(), new Dictionary<string, Tensor>(), new TwinMode());
        var x = HostTensors.ToTorch(input, [rows, .. shape.Select(d => (long)d)], dtype);

        var withGradient = HostTensors.ToHost(pool(x.detach().requires_grad_()));
        double[] without;
        using (no_grad())
            without = HostTensors.ToHost(pool(x));

        Assert.Equal(withGradient.Select(BitConverter.DoubleToInt64Bits), without.Select(BitConverter.DoubleToInt64Bits));
        Assert.Contains(withGradient, double.IsNaN);
        Assert.Contains(withGradient, v => v == 0 && double.IsNegative(v));
    }
}
