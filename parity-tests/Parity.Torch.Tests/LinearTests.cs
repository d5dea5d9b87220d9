using F = Parity.Torch.torch.nn.functional;

namespace Parity.Torch.Tests;

public class LinearTests
{
    const int Rows = 2, In = 3, Out = 4;
    static readonly double[] X = [0.5, -1.25, 2.0, -0.75, 0.3, 1.1];
    static readonly double[] W = [0.2, -0.4, 0.6, -0.1, 0.9, 0.35, -0.7, 0.05, 0.15, 0.45, -0.25, -0.6];
    static readonly double[] B = [0.1, -0.2, 0.3, -0.05];
    static readonly double[] Target = [1, 0, -1, 0.5, -0.5, 0.25, 0.75, -1.5];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ForwardAndTheGradientsOfInputWeightAndBias(bool withBias)
    {
        using var x = torch.tensor(X, [Rows, In], requires_grad: true);
        using var w = torch.tensor(W, [Out, In], requires_grad: true);
        using var b = torch.tensor(B, [Out], requires_grad: true);

        using var y = F.linear(x, w, withBias ? b : null);

        // y = x Wᵀ + b
        var expected = new double[Rows * Out];
        for (var n = 0; n < Rows; n++)
            for (var o = 0; o < Out; o++)
                expected[n * Out + o] = (withBias ? B[o] : 0) + Enumerable.Range(0, In).Sum(i => X[n * In + i] * W[o * In + i]);
        Assert.Equal([Rows, (long)Out], y.shape);
        Close.Equal(expected, y.data<double>());

        // dx = G W, dW = Gᵀ x, db = Σ_n G
        var g = Autograd.BackwardSquaredError(y, expected, Target);
        var dx = new double[Rows * In];
        var dw = new double[Out * In];
        var db = new double[Out];
        for (var n = 0; n < Rows; n++)
            for (var o = 0; o < Out; o++)
            {
                db[o] += g[n * Out + o];
                for (var i = 0; i < In; i++)
                {
                    dx[n * In + i] += g[n * Out + o] * W[o * In + i];
                    dw[o * In + i] += g[n * Out + o] * X[n * In + i];
                }
            }
        Close.Equal(dx, Autograd.GradOf(x));
        Close.Equal(dw, Autograd.GradOf(w));
        if (withBias)
            Close.Equal(db, Autograd.GradOf(b));
        else
            Assert.Null(b.grad);
    }
}
