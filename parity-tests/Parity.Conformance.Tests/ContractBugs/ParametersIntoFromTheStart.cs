namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>GetParametersInto writes a copy of the parameters taken when the backend was built, not the current ones.</summary>
sealed class ParametersIntoFromTheStart(IBackend inner) : ForwardingBackend(inner), IParametersInto
{
    readonly IReadOnlyList<HostTensor> _start = inner.GetParameters();

    public void GetParametersInto(IReadOnlyList<double[]> values)
    {
        foreach (var (tensor, into) in _start.Zip(values))
            tensor.Data.CopyTo(into, 0);
    }
}
