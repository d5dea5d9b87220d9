namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>
/// RunLayer never zeroes the layer's gradients, as .grad accumulates without zero_grad: a layer run alone
/// after ComputeGradients reports its parameters' gradients plus the ones ComputeGradients left.
/// </summary>
sealed class LayerProbeAccumulates(IBackend inner) : ForwardingBackend(inner), ILayerProbe
{
    Gradients? _last;

    public override Gradients ComputeGradients(Batch batch) => _last = Inner.ComputeGradients(batch);

    public LayerRun RunLayer(int layer, Batch batch, HostTensor input, HostTensor outputGradient)
    {
        var run = ((ILayerProbe)Inner).RunLayer(layer, batch, input, outputGradient);
        var left = (_last?.Parameters ?? []).ToDictionary(p => p.Name);
        return run with { Parameters = [.. run.Parameters.Select(p => left.TryGetValue(p.Name, out var l) ? p with { Data = [.. p.Data.Zip(l.Data, (a, b) => a + b)] } : p)] };
    }

    public HostTensor RunLayerEvaluation(int layer, Batch batch, HostTensor input) => ((ILayerProbe)Inner).RunLayerEvaluation(layer, batch, input);
}
