using F = Parity.Torch.torch.nn.functional;

namespace Parity.Torch.Tests;

/// <summary>Float32 tensors stay float32 through every op and its gradient, and agree with the float64 result to float32 precision.</summary>
public class Float32Tests
{
    static readonly double[] X = [-1.5, -0.25, 0.1, 0.7, 2.0, -3.0];
    static readonly double[] Probabilities = [0.9, 0.2, 0.35, 0.6, 0.05, 0.75];
    static readonly double[] Target = [1, 0, 1, 0, 0, 1];

    static Tensor Apply(string op, Tensor x, ScalarType dtype)
    {
        using var target = torch.tensor(Target, [2, 3], dtype);
        using var weight = torch.tensor([0.5, -0.25, 1.5, 0.75, 0.125, -1.0], [2, 3], dtype);
        using var bias = torch.tensor([0.1, -0.3], [2], dtype);
        using var classes = torch.tensor([2L, 0L], [2]);
        return op switch
        {
            "linear" => F.linear(x, weight, bias),
            "relu" => F.relu(x),
            "leaky_relu" => F.leaky_relu(x, 0.2),
            "tanh" => F.tanh(x),
            "sigmoid" => F.sigmoid(x),
            "softmax" => F.softmax(x, 1),
            "mse_loss" => F.mse_loss(x, target),
            "binary_cross_entropy" => F.binary_cross_entropy(x, target),
            "binary_cross_entropy_with_logits" => F.binary_cross_entropy_with_logits(x, target, torch.nn.Reduction.Sum),
            "cross_entropy" => F.cross_entropy(x, classes),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("relu")]
    [InlineData("leaky_relu")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("softmax")]
    [InlineData("mse_loss")]
    [InlineData("binary_cross_entropy")]
    [InlineData("binary_cross_entropy_with_logits")]
    [InlineData("cross_entropy")]
    public void OpAndGradientKeepFloat32(string op)
    {
        var values = op == "binary_cross_entropy" ? Probabilities : X;
        var (output32, grad32) = Run(op, values, ScalarType.Float32);
        var (output64, grad64) = Run(op, values, ScalarType.Float64);

        Close.Equal(output64, output32, rtol: 1e-6, atol: 1e-7);
        Close.Equal(grad64, grad32, rtol: 1e-6, atol: 1e-7);
        // float32 results are float32 values, not float64 ones rounded on the way out
        Assert.All(output32, v => Assert.Equal((double)(float)v, v));
        Assert.Contains(output32.Zip(output64), p => p.First != p.Second);
    }

    static (double[] Output, double[] Grad) Run(string op, double[] values, ScalarType dtype)
    {
        using var x = torch.tensor(values, [2, 3], dtype, requires_grad: true);
        Assert.Equal(dtype, x.dtype);
        using var output = Apply(op, x, dtype);
        Assert.Equal(dtype, output.dtype);
        // a loss is already the scalar to backpropagate; any other output goes through Σ y²
        using var zeros = torch.tensor(new double[output.numel()], output.shape, dtype);
        using var sumOfSquares = output.shape.Length == 0 ? null : F.mse_loss(output, zeros, torch.nn.Reduction.Sum);
        (sumOfSquares ?? output).backward();
        using var grad = x.grad!;
        Assert.Equal(dtype, grad.dtype);
        return (output.data<double>(), grad.data<double>());
    }
}
