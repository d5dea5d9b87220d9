namespace Parity.Torch.Tests;

/// <summary>
/// Gradients from the outside of an op. The binding has no sum or mul, so a scalar of the output is
/// made with ops of its own: L = Σ (y − t)² is mse_loss with sum reduction, and dL/dy = 2(y − t).
/// </summary>
static class Autograd
{
    /// <summary>Backpropagates L = Σ (y − t)² from <paramref name="output"/>; returns dL/dy = 2(y − t) computed from <paramref name="expectedOutput"/>.</summary>
    public static double[] BackwardSquaredError(Tensor output, double[] expectedOutput, double[] target)
    {
        using var t = torch.tensor(target, output.shape);
        using var loss = torch.nn.functional.mse_loss(output, t, torch.nn.Reduction.Sum);
        loss.backward();
        return expectedOutput.Select((y, i) => 2 * (y - target[i])).ToArray();
    }

    /// <summary>Makes <paramref name="parameter"/> [1, n]'s gradient exactly <paramref name="gradient"/> (added to any it holds): L = x·pᵀ with x = g, so dL/dp = g.</summary>
    public static void AccumulateGradient(Tensor parameter, double[] gradient)
    {
        using var x = torch.tensor(gradient, [1, gradient.Length]);
        using var dot = torch.nn.functional.linear(x, parameter);
        dot.backward();
    }

    public static double[] GradOf(Tensor tensor)
    {
        using var grad = tensor.grad ?? throw new InvalidOperationException("the tensor has no gradient");
        return grad.data<double>();
    }
}
