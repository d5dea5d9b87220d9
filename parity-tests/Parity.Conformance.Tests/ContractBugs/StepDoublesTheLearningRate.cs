namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>Every update taken twice as far (the learning rate applied twice), in Step and in TrainStep alike, so that only the step's size is wrong.</summary>
sealed class StepDoublesTheLearningRate(IBackend inner) : ForwardingBackend(inner)
{
    public override void Step()
    {
        var before = Inner.GetParameters();
        Inner.Step();
        Inner.SetParameters([.. before.Zip(Inner.GetParameters(), (p0, p1) => p1 with { Data = [.. p0.Data.Zip(p1.Data, (a, b) => a + 2 * (b - a))] })]);
    }

    public override double TrainStep(Batch batch)
    {
        var loss = ComputeGradients(batch).Loss;
        Step();
        return loss;
    }
}
