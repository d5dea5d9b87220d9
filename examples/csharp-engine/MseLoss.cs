using Parity.Contract;

namespace CSharpEngine;

/// <summary>Σ (p − y)²; dL/dp = 2·(p − y).</summary>
sealed class MseLoss(bool mean) : Loss(mean)
{
    double[] _output = [], _targets = [];

    public override double Forward(double[] output, int rows, int width, Batch batch)
    {
        (_output, _targets) = (output, batch.Targets!);
        return Reduce(output.Select((p, i) => (p - _targets[i]) * (p - _targets[i])).Sum(), output.Length);
    }

    public override double[] Backward()
    {
        var scale = Scale(_output.Length);
        return [.. _output.Select((p, i) => 2 * scale * (p - _targets[i]))];
    }
}
