namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>load_state_dict(strict=False): a parameter left out of the values keeps its value, and a wrongly shaped one is skipped, with no error.</summary>
sealed class SetParametersNotStrict(IBackend inner) : ForwardingBackend(inner)
{
    public override void SetParameters(IReadOnlyList<HostTensor> parameters)
    {
        var given = parameters.ToDictionary(p => p.Name);
        Inner.SetParameters([.. Inner.GetParameters().Select(current =>
            given.TryGetValue(current.Name, out var value) && value.Shape.SequenceEqual(current.Shape) ? value : current)]);
    }
}
