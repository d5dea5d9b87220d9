namespace Parity.Conformance.Checks;

/// <summary>TrainStep is ComputeGradients then Step: the same loss, the same parameters after.</summary>
static class TrainStepIsGradientsThenStep
{
    public static ConformanceCheck Check { get; } = new("train-step",
        "TrainStep returns the loss ComputeGradients returns and leaves the parameters where ComputeGradients then Step leave them",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        double separateLoss, trainLoss;
        IReadOnlyList<HostTensor> separate, trained;
        using (var backend = create(c.Model, c.InitialParameters))
        {
            separateLoss = backend.ComputeGradients(c.Batch).Loss;
            backend.Step();
            separate = backend.GetParameters();
        }
        using (var backend = create(c.Model, c.InitialParameters))
        {
            trainLoss = backend.TrainStep(c.Batch);
            trained = backend.GetParameters();
        }
        var problems = new List<string>();
        if (Closeness.Differs(c.Model, "the loss", [separateLoss], [trainLoss]) is { } loss)
            problems.Add($"TrainStep: {loss} (ComputeGradients')");
        problems.AddRange(Closeness.Differs(c.Model, "after TrainStep, parameter", separate, trained));
        return problems;
    }
}
