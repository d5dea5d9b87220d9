namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>The end of an epoch ignored: the learning rate never follows the schedule.</summary>
sealed class EndEpochIgnored(IBackend inner) : ForwardingBackend(inner)
{
    public override void EndEpoch()
    {
    }
}
