using F = Parity.Torch.torch.nn.functional;

namespace Parity.Torch.Tests;

public class ActivationTests
{
    // [2, 3], no value at relu's kink
    static readonly double[] X = [-1.5, -0.25, 0.1, 0.7, 2.0, -3.0];
    static readonly double[] Target = [0.3, -0.2, 0.5, 1.0, -1.0, 0.05];

    /// <summary>The op in libtorch, its forward y = f(x) and its local derivative dy/dx as a function of x and y.</summary>
    static (Func<Tensor, Tensor> Op, Func<double, double> Forward, Func<double, double, double> Derivative) Elementwise(string name) => name switch
    {
        "relu" => (F.relu, x => Math.Max(x, 0), (x, _) => x > 0 ? 1 : 0),
        "leaky_relu" => (x => F.leaky_relu(x, 0.2), x => x > 0 ? x : 0.2 * x, (x, _) => x > 0 ? 1 : 0.2),
        "leaky_relu default slope" => (x => F.leaky_relu(x), x => x > 0 ? x : 0.01 * x, (x, _) => x > 0 ? 1 : 0.01),
        "tanh" => (F.tanh, Math.Tanh, (_, y) => 1 - y * y),
        "sigmoid" => (F.sigmoid, x => 1 / (1 + Math.Exp(-x)), (_, y) => y * (1 - y)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [InlineData("relu")]
    [InlineData("leaky_relu")]
    [InlineData("leaky_relu default slope")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    public void ElementwiseForwardAndBackward(string name)
    {
        var (op, forward, derivative) = Elementwise(name);
        using var x = torch.tensor(X, [2, 3], requires_grad: true);

        using var y = op(x);
        var expected = X.Select(forward).ToArray();
        Close.Equal(expected, y.data<double>());
        Assert.Equal([2L, 3L], y.shape);

        var upstream = Autograd.BackwardSquaredError(y, expected, Target);
        Close.Equal(X.Select((xi, i) => upstream[i] * derivative(xi, expected[i])).ToArray(), Autograd.GradOf(x));
    }

    [Fact]
    public void SoftmaxOverDimOneForwardAndBackward()
    {
        using var x = torch.tensor(X, [2, 3], requires_grad: true);

        using var y = F.softmax(x, 1);
        var expected = new double[6];
        for (var row = 0; row < 2; row++)
        {
            var exps = X.Skip(3 * row).Take(3).Select(Math.Exp).ToArray();
            for (var j = 0; j < 3; j++)
                expected[3 * row + j] = exps[j] / exps.Sum();
        }
        Close.Equal(expected, y.data<double>());

        // dL/dx_ij = y_ij (g_ij − Σ_k g_ik y_ik)
        var g = Autograd.BackwardSquaredError(y, expected, Target);
        var grad = new double[6];
        for (var row = 0; row < 2; row++)
        {
            var dot = Enumerable.Range(3 * row, 3).Sum(k => g[k] * expected[k]);
            for (var j = 3 * row; j < 3 * row + 3; j++)
                grad[j] = expected[j] * (g[j] - dot);
        }
        Close.Equal(grad, Autograd.GradOf(x));
    }
}
