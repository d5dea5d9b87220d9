using Parity.Contract;

namespace CSharpEngine;

/// <summary>A loss that sums one term per output element against its target, and its gradient element by element.</summary>
sealed class ElementwiseLoss(bool mean, Func<double, double, double> term, Func<double, double, double> derivative) : Loss(mean)
{
    /// <summary>(p − y)²; its derivative 2·(p − y).</summary>
    public static ElementwiseLoss Mse(bool mean) => new(mean, (p, y) => (p - y) * (p - y), (p, y) => 2 * (p - y));

    /// <summary>
    /// −(y·log p + (1 − y)·log(1 − p)), each log clamped at −100 as PyTorch clamps it; its derivative
    /// (p − y) / (p·(1 − p)), the denominator held at 1e-12 or more, as in PyTorch's backward — its float 1e-12, 9.999999996e-13 in double.
    /// </summary>
    public static ElementwiseLoss Bce(bool mean) => new(mean,
        (p, y) => -(y * Math.Max(Math.Log(p), -100) + (1 - y) * Math.Max(Math.Log(1 - p), -100)),
        (p, y) => (p - y) / Math.Max(p * (1 - p), (double)1e-12f));

    double[] _output = [], _targets = [];

    public override double Forward(double[] output, int rows, int width, Batch batch)
    {
        (_output, _targets) = (output, batch.Targets!);
        return Reduce(output.Select((p, i) => term(p, _targets[i])).Sum(), output.Length);
    }

    public override double[] Backward()
    {
        var scale = Scale(_output.Length);
        return [.. _output.Select((p, i) => scale * derivative(p, _targets[i]))];
    }
}
