using Parity.Contract;

namespace CSharpEngine;

/// <summary>
/// −(y·log p + (1 − y)·log(1 − p)), each log clamped at −100 as PyTorch clamps it; the gradient
/// (p − y) / (p·(1 − p)), its denominator held at 1e-12 or more, as in PyTorch's backward.
/// </summary>
sealed class BceLoss(bool mean) : Loss(mean)
{
    double[] _output = [], _targets = [];

    public override double Forward(double[] output, int rows, int width, Batch batch)
    {
        (_output, _targets) = (output, batch.Targets!);
        return Reduce(output.Select((p, i) => -(_targets[i] * Math.Max(Math.Log(p), -100) + (1 - _targets[i]) * Math.Max(Math.Log(1 - p), -100))).Sum(), output.Length);
    }

    public override double[] Backward()
    {
        var scale = Scale(_output.Length);
        return [.. _output.Select((p, i) => scale * (p - _targets[i]) / Math.Max(p * (1 - p), 1e-12))];
    }
}
