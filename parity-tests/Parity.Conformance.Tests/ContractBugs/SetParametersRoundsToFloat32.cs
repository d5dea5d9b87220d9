namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>Parameters stored in float32 whatever the model's dtype: a float64 value set comes back rounded.</summary>
sealed class SetParametersRoundsToFloat32(IBackend inner) : ForwardingBackend(inner)
{
    public override void SetParameters(IReadOnlyList<HostTensor> parameters) =>
        Inner.SetParameters([.. parameters.Select(p => p with { Data = [.. p.Data.Select(v => (double)(float)v)] })]);
}
