namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>Evaluation sharing the training path: it reports the loss before the step, but takes the step.</summary>
sealed class EvaluateTrains(IBackend inner) : ForwardingBackend(inner)
{
    public override Evaluation Evaluate(Batch batch)
    {
        var evaluation = Inner.Evaluate(batch);
        Inner.TrainStep(batch);
        return evaluation;
    }
}
