namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>A training step that computes the loss and its gradients and never updates: the step was left to the caller.</summary>
sealed class TrainStepWithoutStep(IBackend inner) : ForwardingBackend(inner)
{
    public override double TrainStep(Batch batch) => Inner.ComputeGradients(batch).Loss;
}
