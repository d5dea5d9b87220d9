using System.Text.Json.Nodes;
using Parity.Spec;
using Parity.Torch.Twin;
using static TorchSharp.torch;

namespace Parity.Torch.Tests;

/// <summary>
/// The twin's max-pool2d takes its maxima from libtorch's channels-last kernel: the values alone without a gradient
/// (every evaluation), and with one the input gathered at those maxima, which autograd differentiates. Both must give
/// the bits of F.max_pool2d over [N, C, H, W], the values and the gradient of the input, or the twin would not be what
/// a PyTorch user's model computes. The inputs are drawn from few values, so that most windows hold ties — −0 beside
/// +0 among them, which only the first-maximum rule tells apart — and NaNs and infinities. The upstream gradient holds
/// ±0 and values twenty orders of magnitude apart, whose sums at an input that is the maximum of several overlapping
/// windows change with the order they are added in.
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
    public void With_and_without_a_gradient_the_bits_of_max_pool2d(string options, string inputShape, ScalarType dtype)
    {
        var layer = OpHelperTests.Layer("max-pool2d", options, inputShape);
        const int rows = 4;
        var random = new Random(layer.InputShape.Sum());
        var input = Enumerable.Range(0, rows * OpHelperTests.Count(layer.InputShape)).Select(_ => Values[random.Next(Values.Length)]).ToArray();
        using var scope = NewDisposeScope();
        var pool = TwinOps.Layer(layer, new Dictionary<string, TorchSharp.Modules.Parameter>(), new Dictionary<string, Tensor>(), new TwinMode());
        var x = HostTensors.ToTorch(input, [rows, .. layer.InputShape.Select(d => (long)d)], dtype);
        var (kernel, stride, padding) = (TwinOps.Longs(layer, "kernel_size"), TwinOps.Longs(layer, "stride"), TwinOps.Longs(layer, "padding"));
        var plainInput = x.detach().requires_grad_();
        var plain = nn.functional.max_pool2d(plainInput, kernel, stride, padding);
        // ±0, and values whose sums depend on the order in which they are added (an input the maximum of several windows).
        var upstream = HostTensors.ToTorch([.. Enumerable.Range(0, (int)plain.numel()).Select(_ => random.Next(3) switch { 0 => -0.0, 1 => 0.0, _ => Math.Exp(20 * random.NextDouble() - 10) * (random.Next(2) * 2 - 1) })], plain.shape, dtype);
        plain.backward([upstream]);

        var twinInput = x.detach().requires_grad_();
        var twin = pool(twinInput);
        twin.backward([upstream]);
        Tensor evaluated;
        using (no_grad())
            evaluated = pool(x);

        var expected = Bits(plain);
        Assert.Equal(expected, Bits(twin));
        Assert.Equal(expected, Bits(evaluated));
        Assert.Equal(Bits(plainInput.grad!), Bits(twinInput.grad!));
        Assert.Contains(HostTensors.ToHost(plain), double.IsNaN);
        Assert.Contains(HostTensors.ToHost(plain), v => v == 0 && double.IsNegative(v));
    }

    static IEnumerable<long> Bits(Tensor t) => HostTensors.ToHost(t).Select(BitConverter.DoubleToInt64Bits);
}
