namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>TrainingLoss taken from Evaluate: dropout passed through and batch norm on its running statistics, where training drops and takes the batch's.</summary>
sealed class TrainingLossEvaluates(IBackend inner) : ForwardingBackend(inner), ITrainingLoss
{
    public double TrainingLoss(Batch batch) => Inner.Evaluate(batch).Loss;
}
