using F = Parity.Torch.torch.nn.functional;
using Reduction = Parity.Torch.torch.nn.Reduction;

namespace Parity.Torch.Tests;

/// <summary>Each loss and dLoss/dinput against closed forms; n is the element count (rows for cross-entropy) under mean, 1 under sum.</summary>
public class LossTests
{
    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    public void MseLoss(Reduction reduction)
    {
        double[] y = [0.5, -1.0, 2.25, 0.0, 1.5, -0.75], t = [1.0, -0.5, 2.0, 0.25, -1.0, 0.0];
        var n = reduction == Reduction.Mean ? y.Length : 1;

        // L = Σ (y − t)² / n, dL/dy = 2(y − t) / n
        Check(y, t, F.mse_loss, reduction,
            y.Select((v, i) => (v - t[i]) * (v - t[i])).Sum() / n,
            y.Select((v, i) => 2 * (v - t[i]) / n).ToArray());
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    public void BinaryCrossEntropy(Reduction reduction)
    {
        double[] p = [0.9, 0.2, 0.35, 0.6, 0.05, 0.999], t = [1, 0, 1, 0, 0.3, 1];
        var n = reduction == Reduction.Mean ? p.Length : 1;

        // L = −Σ [t log p + (1 − t) log(1 − p)] / n, dL/dp = (p − t) / (p (1 − p) n)
        Check(p, t, F.binary_cross_entropy, reduction,
            -p.Select((v, i) => t[i] * Math.Log(v) + (1 - t[i]) * Math.Log(1 - v)).Sum() / n,
            p.Select((v, i) => (v - t[i]) / (v * (1 - v) * n)).ToArray());
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    public void BinaryCrossEntropyWithLogits(Reduction reduction)
    {
        double[] z = [2.0, -1.5, 0.25, -30.0, 40.0, 0.0], t = [1, 0, 1, 1, 0, 0.3];
        var n = reduction == Reduction.Mean ? z.Length : 1;
        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

        // L = Σ [max(z, 0) − z t + log(1 + e^−|z|)] / n (stable for large |z|), dL/dz = (σ(z) − t) / n
        Check(z, t, F.binary_cross_entropy_with_logits, reduction,
            z.Select((v, i) => Math.Max(v, 0) - v * t[i] + Math.Log(1 + Math.Exp(-Math.Abs(v)))).Sum() / n,
            z.Select((v, i) => (Sigmoid(v) - t[i]) / n).ToArray());
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    public void CrossEntropyOverClassIndices(Reduction reduction)
    {
        const int Rows = 3, Classes = 4;
        double[] z = [1.0, -0.5, 2.0, 0.25, -1.0, 0.0, 0.5, 3.0, 0.1, 0.2, 0.3, 0.4];
        long[] classes = [2, 0, 3];
        var n = reduction == Reduction.Mean ? Rows : 1;

        // L = −Σ_r log softmax(z_r)[c_r] / n, dL/dz_r = (softmax(z_r) − onehot(c_r)) / n
        var loss = 0.0;
        var grad = new double[Rows * Classes];
        for (var r = 0; r < Rows; r++)
        {
            var row = z.AsSpan(r * Classes, Classes).ToArray();
            var logSumExp = Math.Log(row.Sum(Math.Exp));
            loss -= (row[classes[r]] - logSumExp) / n;
            for (var k = 0; k < Classes; k++)
                grad[r * Classes + k] = (Math.Exp(row[k] - logSumExp) - (k == classes[r] ? 1 : 0)) / n;
        }

        using var input = torch.tensor(z, [Rows, Classes], requires_grad: true);
        using var target = torch.tensor(classes, [Rows]);
        using var value = F.cross_entropy(input, target, reduction);
        Assert.Empty(value.shape);
        Close.Equal(loss, value.item<double>());
        value.backward();
        Close.Equal(grad, Autograd.GradOf(input));
    }

    /// <summary>The loss of <paramref name="input"/> [2, 3] against <paramref name="target"/>: a scalar equal to <paramref name="loss"/>, and dLoss/dinput.</summary>
    static void Check(double[] input, double[] target, Func<Tensor, Tensor, Reduction, Tensor> op, Reduction reduction, double loss, double[] grad)
    {
        using var x = torch.tensor(input, [2, 3], requires_grad: true);
        using var t = torch.tensor(target, [2, 3]);
        using var value = op(x, t, reduction);
        Assert.Empty(value.shape);
        Close.Equal(loss, value.item<double>());
        value.backward();
        Close.Equal(grad, Autograd.GradOf(x));
        Assert.Null(t.grad);
    }
}
