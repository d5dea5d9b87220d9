namespace Parity.Torch.Tests;

/// <summary>torch.optim.SGD's update and torch.nn.utils' clipping on parameters whose gradients the test sets.</summary>
public class OptimizerTests
{
    static readonly double[][] Gradients = [[0.5, -1.0, 2.0], [0.25, 0.75, -1.5], [-2.0, 0.125, 1.0]];

    [Theory]
    [InlineData(0.0, 0.0, 0.0, false)]
    [InlineData(0.9, 0.0, 0.0, false)]
    [InlineData(0.9, 0.3, 0.0, false)]
    [InlineData(0.5, 0.0, 0.1, false)]
    [InlineData(0.9, 0.0, 0.1, true)]
    public void SgdStepsAsPyTorchDocumentsIt(double momentum, double dampening, double weightDecay, bool nesterov)
    {
        const double Lr = 0.1;
        double[] p = [1.0, -2.0, 3.0];
        using var parameter = torch.tensor(p, [1, 3], requires_grad: true);
        using var optimizer = torch.optim.SGD([parameter], Lr, momentum, dampening, weightDecay, nesterov);

        // d = g + λp; b = d on the first step, then μb + (1 − τ)d; d = d + μb (Nesterov) or b; p ← p − lr·d
        double[]? buffer = null;
        foreach (var g in Gradients)
        {
            optimizer.zero_grad();
            Autograd.AccumulateGradient(parameter, g);
            optimizer.step();

            var d = g.Select((gi, i) => gi + weightDecay * p[i]).ToArray();
            if (momentum != 0)
            {
                buffer = buffer is null ? d : buffer.Select((b, i) => momentum * b + (1 - dampening) * d[i]).ToArray();
                d = nesterov ? d.Select((di, i) => di + momentum * buffer[i]).ToArray() : buffer;
            }
            p = p.Select((pi, i) => pi - Lr * d[i]).ToArray();
            Close.Equal(p, parameter.data<double>(), rtol: 1e-15, atol: 1e-15);
        }
    }

    [Fact]
    public void ZeroGradClearsTheAccumulatedGradient()
    {
        using var parameter = torch.tensor([1.0, 2], [1, 2], requires_grad: true);
        using var optimizer = torch.optim.SGD([parameter], 0.1);
        Autograd.AccumulateGradient(parameter, [1.0, 2]);
        Autograd.AccumulateGradient(parameter, [0.5, -1]);
        Assert.Equal([1.5, 1], Autograd.GradOf(parameter));

        optimizer.zero_grad();

        Assert.Equal([0.0, 0], Autograd.GradOf(parameter));
    }

    [Theory]
    [InlineData(6.5, true)]
    [InlineData(20.0, false)]
    public void ClipGradNormReturnsTheTotalNormAndScalesAboveTheThreshold(double maxNorm, bool scaled)
    {
        using var first = torch.tensor([1.0, 1, 1], [1, 3], requires_grad: true);
        using var second = torch.tensor([1.0, 1], [1, 2], requires_grad: true);
        double[] g1 = [3, 0, -4], g2 = [12, 0];
        Autograd.AccumulateGradient(first, g1);
        Autograd.AccumulateGradient(second, g2);

        var total = torch.nn.utils.clip_grad_norm_([first, second], maxNorm);

        // ‖(g1, g2)‖ = √(9 + 16 + 144) = 13; above max_norm every gradient is scaled by max_norm / (13 + 1e-6)
        Assert.Equal(13, total, 1e-14);
        var scale = scaled ? maxNorm / (13 + 1e-6) : 1;
        Close.Equal(g1.Select(g => g * scale).ToArray(), Autograd.GradOf(first));
        Close.Equal(g2.Select(g => g * scale).ToArray(), Autograd.GradOf(second));
    }

    [Fact]
    public void ClipGradValueClampsEachGradientElement()
    {
        using var first = torch.tensor([1.0, 1, 1], [1, 3], requires_grad: true);
        using var second = torch.tensor([1.0, 1], [1, 2], requires_grad: true);
        Autograd.AccumulateGradient(first, [0.3, -0.7, 0.5]);
        Autograd.AccumulateGradient(second, [-0.2, 2.5]);

        torch.nn.utils.clip_grad_value_([first, second], 0.5);

        Assert.Equal([0.3, -0.5, 0.5], Autograd.GradOf(first));
        Assert.Equal([-0.2, 0.5], Autograd.GradOf(second));
    }
}
