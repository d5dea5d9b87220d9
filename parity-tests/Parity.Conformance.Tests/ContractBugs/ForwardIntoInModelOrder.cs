namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>ForwardInto fills the arrays with the layers asked sorted in model order, not in the order asked.</summary>
sealed class ForwardIntoInModelOrder(IBackend inner) : ForwardingBackend(inner), IForwardInto
{
    public void ForwardInto(Batch batch, IReadOnlyList<int> layers, IReadOnlyList<double[]> outputs)
    {
        var forward = Inner.Forward(batch);
        foreach (var (layer, values) in layers.Order().Zip(outputs))
            forward[layer].Data.AsSpan(0, Math.Min(values.Length, forward[layer].Count)).CopyTo(values);
    }
}
