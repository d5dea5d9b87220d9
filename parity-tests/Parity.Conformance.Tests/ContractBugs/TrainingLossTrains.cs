namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>TrainingLoss taken from TrainStep, whose loss is the one before the step: the right loss, but the step is taken.</summary>
sealed class TrainingLossTrains(IBackend inner) : ForwardingBackend(inner), ITrainingLoss
{
    public double TrainingLoss(Batch batch) => Inner.TrainStep(batch);
}
