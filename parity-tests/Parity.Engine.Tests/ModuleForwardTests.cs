using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;
using Parity.Engine.Numerics;

namespace Parity.Engine.Tests;

public class ModuleForwardTests
{
    static readonly double[] Input = [-2, -0.5, 0, 0.5, 1, 3];

    public static TheoryData<string, double[]> ElementwiseActivations => new()
    {
        { "relu", [0, 0, 0, 0.5, 1, 3] },
        { "leaky-relu", [-0.2, -0.05, 0, 0.5, 1, 3] },
        { "tanh", Input.Select(Math.Tanh).ToArray() },
        { "sigmoid", Input.Select(x => 1 / (1 + Math.Exp(-x))).ToArray() },
        { "identity", [.. Input] },
    };

    internal static Module<double> Activation(string name) => name switch
    {
        "relu" => new Relu<double>(),
        "leaky-relu" => new LeakyRelu<double>(0.1),
        "tanh" => new Tanh<double>(),
        "sigmoid" => new Sigmoid<double>(),
        "softmax" => new Softmax<double>(),
        "identity" => new Identity<double>(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Fact]
    public void TanhNearZeroIsAccurateRelativeToItsResult()
    {
        // 32 elements, so that the vectorized path runs: it gave tanh(0) = −2⁻²⁴ and tanh(1e-30) = −2⁻²⁴ in float32.
        double[] input = [.. Enumerable.Range(0, 32).Select(i => i % 4 == 0 ? 0 : (i % 2 == 0 ? 1 : -1) * (double)MathF.Pow(10, -(i % 9) * 4))];

        var output = new Tanh<float>().Forward(Matrix<float>.From(4, 8, input));

        Assert.All(input.Zip(output.Data), pair => Assert.True(Math.Abs(pair.Second - Math.Tanh(pair.First)) <= 2 * Math.Abs(Math.Tanh(pair.First)) * 6e-8,
            $"tanh({pair.First}) = {pair.Second}, not {Math.Tanh(pair.First)}"));
    }

    // x [2, 3], W [2, 3], b [2]:
    // row 0: 0.5·1 − 1·2 + 2·(−1) = −3.5,   1·1 + 0·2 − 0.5·(−1) = 1.5
    // row 1: 0.5·0 − 1·0.5 + 2·3 = 5.5,     1·0 + 0·0.5 − 0.5·3 = −1.5
    static Linear<double> HandLinear(bool bias)
    {
        var linear = new Linear<double>("0.", 3, 2, bias);
        linear.Parameters[0].Value.CopyFrom([0.5, -1, 2, 1, 0, -0.5]);
        if (bias)
            linear.Parameters[1].Value.CopyFrom([0.1, -0.2]);
        return linear;
    }

    static Matrix<double> LinearInput => Matrix<double>.From(2, 3, [1, 2, -1, 0, 0.5, 3]);

    [Theory, MemberData(nameof(ElementwiseActivations))]
    public void ElementwiseActivationMatchesItsFormula(string name, double[] expected)
    {
        var output = Activation(name).Forward(Matrix<double>.From(2, 3, Input));

        Assert.Equal((2, 3), (output.Rows, output.Cols));
        Elementwise.AssertClose(expected, output.Data, 1e-15);
    }

    [Theory]
    [InlineData(true, new[] { -3.4, 1.3, 5.6, -1.7 })]
    [InlineData(false, new[] { -3.5, 1.5, 5.5, -1.5 })]
    public void LinearComputesXWTransposedPlusBias(bool bias, double[] expected)
    {
        var linear = HandLinear(bias);

        var output = linear.Forward(LinearInput);

        Assert.Equal((2, 2), (output.Rows, output.Cols));
        Elementwise.AssertClose(expected, output.Data, 1e-14);
        Assert.Equal(bias ? ["0.weight", "0.bias"] : new[] { "0.weight" }, linear.Parameters.Select(p => p.Name));
        Assert.Equal([2, 3], linear.Parameters[0].Shape);
    }

    [Fact]
    public void SoftmaxNormalisesEachRow()
    {
        var output = new Softmax<double>().Forward(Matrix<double>.From(2, 3, [1, 2, 3, 0, 0, 0]));

        var total = Math.E + Math.Exp(2) + Math.Exp(3);
        Elementwise.AssertClose([Math.E / total, Math.Exp(2) / total, Math.Exp(3) / total, 1.0 / 3, 1.0 / 3, 1.0 / 3], output.Data, 1e-15);
    }

    [Fact]
    public void SoftmaxOfHugeInputsStaysFiniteAndSumsToOne()
    {
        var output = new Softmax<double>().Forward(Matrix<double>.From(2, 3, [1000, 1001, 1002, -1000, 0, 1000]));

        // Shifted by the row maximum: e^(x − max) / Σ e^(x − max); e^(−1000) underflows to 0.
        var total = Math.Exp(-2) + Math.Exp(-1) + 1;
        Elementwise.AssertClose([Math.Exp(-2) / total, Math.Exp(-1) / total, 1 / total, 0, 0, 1], output.Data, 1e-15);
        for (var row = 0; row < 2; row++)
            Assert.Equal(1, output.Row(row).ToArray().Sum(), 1e-15);
    }

    [Fact]
    public void SequentialAppliesItsModulesInOrder()
    {
        var model = new Sequential<double>([HandLinear(bias: true), new Relu<double>(), new Identity<double>(), new Linear<double>("3.", 2, 1, bias: false)]);
        model.Parameters[2].Value.CopyFrom([2, -1]);

        var output = model.Forward(LinearInput);

        // relu([−3.4, 1.3; 5.6, −1.7]) = [0, 1.3; 5.6, 0], then ·[2, −1]ᵀ
        Elementwise.AssertClose([-1.3, 11.2], output.Data, 1e-14);
        Assert.Equal(["0.weight", "0.bias", "3.weight"], model.Parameters.Select(p => p.Name));
    }
}
