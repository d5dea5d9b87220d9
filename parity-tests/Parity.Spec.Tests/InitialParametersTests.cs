using Parity.Spec.Initialization;

namespace Parity.Spec.Tests;

/// <summary>Initial parameters: PyTorch's state_dict names and shapes, and torch.nn.init's formulas.</summary>
public class InitialParametersTests
{
    const string SmallModel = "model: [linear: 50, relu, linear: 30, relu, linear: 1, sigmoid]";
    const string WideModel = "model: [linear: 400, relu, linear: 400, relu, linear: 1, sigmoid]";

    static IReadOnlyList<HostTensor> Create(string overrides) => InitialParameters.Create(SpecText.ParseWith(overrides));

    static IEnumerable<HostTensor> Weights(IEnumerable<HostTensor> tensors) => tensors.Where(t => t.Name.EndsWith(".weight"));

    static IEnumerable<HostTensor> Biases(IEnumerable<HostTensor> tensors) => tensors.Where(t => t.Name.EndsWith(".bias"));

    static double Std(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    /// <summary>A conv2d's weight is [out, in, kh, kw] with fans in·kh·kw and out·kh·kw, as torch.nn.init computes them, and its bias is drawn from that fan-in.</summary>
    [Fact]
    public void A_convolution_is_named_shaped_and_drawn_as_nn_Conv2d()
    {
        var spec = SpecText.ParseWith("model: [unflatten: [1, 2, 1], {conv2d: {out: 40, kernel: [2, 1], bias: true}}, flatten, linear: 1, sigmoid]");
        var tensors = InitialParameters.Create(spec);
        var model = ModelDescriptions.Describe(spec);

        Assert.Equal(["1.weight", "1.bias", "3.weight", "3.bias"], tensors.Select(t => t.Name));
        Assert.Equal(["[40, 1, 2, 1]", "[40]", "[1, 40]", "[1]"], tensors.Select(t => t.ShapeText));
        Assert.Equal([[1, 2, 1], [40, 1, 1], [40], [1], [1]], model.Layers.Select(l => l.OutputShape));
        Assert.Equal(1, model.Layers[1].Integer("in_channels"));
        Assert.Equal([2, 1], model.Layers[1].Integers("kernel_size"));
        // torch-default: U(−1/√fan_in, 1/√fan_in), fan_in = in·kh·kw = 2, for the weight and the bias alike
        var bound = 1 / Math.Sqrt(2);
        Assert.All(tensors[0].Data.Concat(tensors[1].Data), v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.Contains(tensors[0].Data, v => Math.Abs(v) > 0.8 * bound);
    }

    [Fact]
    public void Names_and_shapes_follow_the_torch_state_dict()
    {
        var tensors = Create("model: [linear: 3, relu, {linear: {out: 1, bias: false}}, sigmoid]");

        Assert.Equal(["0.weight", "0.bias", "2.weight"], tensors.Select(t => t.Name));
        Assert.Equal(["[3, 2]", "[3]", "[1, 3]"], tensors.Select(t => t.ShapeText));
        Assert.Equal([6, 3, 3], tensors.Select(t => t.Count));
    }

    [Theory]
    [InlineData("torch-default")]
    [InlineData("xavier-uniform")]
    [InlineData("kaiming-uniform")]
    public void Uniform_schemes_fill_weights_up_to_their_bound(string scheme)
    {
        foreach (var weight in Weights(Create($"{SmallModel}\ninit: {scheme}")))
        {
            var (fanOut, fanIn) = (weight.Shape[0], weight.Shape[1]);
            var bound = scheme switch
            {
                "torch-default" => 1 / Math.Sqrt(fanIn),
                "xavier-uniform" => Math.Sqrt(6.0 / (fanIn + fanOut)),
                _ => Math.Sqrt(6.0 / fanIn),
            };
            var largest = weight.Data.Max(Math.Abs);
            Assert.True(largest <= bound, $"{weight.Name}: |w| reaches {largest}, above the bound {bound}");
            if (weight.Count >= 100)
                Assert.True(largest > 0.9 * bound, $"{weight.Name}: |w| stays below {largest}, far under the bound {bound}");
        }
    }

    [Fact]
    public void Torch_default_biases_are_uniform_within_one_over_sqrt_fan_in()
    {
        var tensors = Create(SmallModel);
        foreach (var (weight, bias) in Weights(tensors).Zip(Biases(tensors)))
        {
            var bound = 1 / Math.Sqrt(weight.Shape[1]);
            Assert.All(bias.Data, b => Assert.InRange(Math.Abs(b), 1e-12, bound));
        }
    }

    [Theory]
    [InlineData("xavier-normal", 0.05)]                      // √(2 / (400 + 400))
    [InlineData("kaiming-normal", 0.070710678118654752)]     // √(2 / 400)
    [InlineData("{normal: {std: 0.3}}", 0.3)]
    public void Normal_schemes_have_the_formula_std(string scheme, double std)
    {
        var weight = Create($"{WideModel}\ninit: {scheme}").Single(t => t.Name == "2.weight");

        Assert.Equal(160_000, weight.Count);
        Assert.InRange(Std(weight.Data) / std, 0.97, 1.03);
        Assert.InRange(weight.Data.Average(), -0.01 * std, 0.01 * std);
    }

    [Theory]
    [InlineData("xavier-uniform")]
    [InlineData("xavier-normal")]
    [InlineData("kaiming-uniform")]
    [InlineData("kaiming-normal")]
    public void Xavier_and_kaiming_biases_are_zero(string scheme) =>
        Assert.All(Biases(Create($"{SmallModel}\ninit: {scheme}")), bias => Assert.All(bias.Data, b => Assert.Equal(0.0, b)));

    [Fact]
    public void Normal_and_uniform_schemes_fill_biases_too()
    {
        var normal = Create($"{WideModel}\ninit: {{normal: {{std: 0.3}}}}").Single(t => t.Name == "0.bias");
        var uniform = Create($"{SmallModel}\ninit: {{uniform: {{low: -0.5, high: 0.25}}}}");

        Assert.InRange(Std(normal.Data) / 0.3, 0.85, 1.15);
        var all = uniform.SelectMany(t => t.Data).ToArray();
        Assert.All(all, v => Assert.InRange(v, -0.5, 0.25));
        Assert.InRange(all.Min(), -0.5, -0.49);
        Assert.InRange(all.Max(), 0.24, 0.25);
        Assert.InRange(all.Average(), -0.145, -0.105);
    }

    [Fact]
    public void Float32_specs_get_the_float64_values_rounded_to_float()
    {
        var wide = Create(SmallModel).SelectMany(t => t.Data).ToArray();
        var narrow = Create($"{SmallModel}\ndtype: float32").SelectMany(t => t.Data).ToArray();

        Assert.Contains(wide, v => (float)v != v);
        Assert.All(narrow, v => Assert.Equal(v, (double)(float)v));
        Assert.Equal(wide.Select(v => (double)(float)v), narrow);
    }
}
