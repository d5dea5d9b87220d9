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

    /// <summary>Each of the catalogue's max-pool2d examples, the Fashion CNN's first pool, and windows that overlap (an input the maximum of several), as described layers.</summary>
    public static TheoryData<string, string, ScalarType> Cases()
    {
        var op = LayerOps.Of("max-pool2d");
        var cases = new TheoryData<string, string, ScalarType>();
        var examples = op.Examples.Append(new(new() { ["kernel_size"] = new JsonArray(2, 2) }, [16, 28, 28]))
            .Append(new(new() { ["kernel_size"] = new JsonArray(3, 3), ["stride"] = new JsonArray(1, 2), ["padding"] = new JsonArray(1, 0) }, [3, 7, 6]));
        foreach (var example in examples)
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
                cases.Add(op.Describe(op.Settle(example.Given), example.InputShape).ToJsonString(), string.Join(",", example.InputShape), dtype);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Without_a_gradient_the_same_bits_as_with_one(string options, string inputShape, ScalarType dtype)
    {
        var layer = OpHelperTests.Layer("max-pool2d", options, inputShape);
        const int rows = 4;
        var random = new Random(layer.InputShape.Sum());
        var input = Enumerable.Range(0, rows * OpHelperTests.Count(layer.InputShape)).Select(_ => Values[random.Next(Values.Length)]).ToArray();
        using var scope = NewDisposeScope();
        var pool = TwinOps.Layer(layer, new Dictionary<string, TorchSharp.Modules.Parameter>(), new Dictionary<string, Tensor>(), new TwinMode());
        var x = HostTensors.ToTorch(input, [rows, .. layer.InputShape.Select(d => (long)d)], dtype);

        var withGradient = HostTensors.ToHost(pool(x.detach().requires_grad_()));
        double[] without;
        using (no_grad())
            without = HostTensors.ToHost(pool(x));

        Assert.Equal(withGradient.Select(BitConverter.DoubleToInt64Bits), without.Select(BitConverter.DoubleToInt64Bits));
        Assert.Contains(withGradient, double.IsNaN);
        Assert.Contains(withGradient, v => v == 0 && double.IsNegative(v));
    }
}
