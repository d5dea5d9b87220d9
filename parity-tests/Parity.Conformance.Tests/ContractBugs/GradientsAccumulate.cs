namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>Gradients never zeroed between calls, as .grad accumulates in PyTorch without zero_grad: the second call reports the sum of both.</summary>
sealed class GradientsAccumulate(IBackend inner) : ForwardingBackend(inner)
{
    Gradients? _sum;

    public override Gradients ComputeGradients(Batch batch)
    {
        var gradients = Inner.ComputeGradients(batch);
        _sum = _sum is null ? gradients : gradients with
        {
            Parameters = [.. gradients.Parameters.Zip(_sum.Parameters, (g, s) => g with { Data = [.. g.Data.Zip(s.Data, (a, b) => a + b)] })],
        };
        return _sum;
    }
}
