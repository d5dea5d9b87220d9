namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>Layer outputs numbered from 1, as a person counts layers, not by their index in the model.</summary>
sealed class ForwardNamedFromOne(IBackend inner) : ForwardingBackend(inner)
{
    public override IReadOnlyList<HostTensor> Forward(Batch batch) =>
        [.. Inner.Forward(batch).Select((output, i) => output with { Name = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) })];
}
