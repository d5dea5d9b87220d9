namespace Parity.Conformance.Checks;

/// <summary>
/// The optional <see cref="ITrainingLoss"/> is ComputeGradients' loss and changes nothing: the finite-difference
/// check of a model with dropout or batch norm takes its numerical derivatives from it, so a loss in evaluation
/// semantics, or one that moved batch norm's running statistics, would fail a correct gradient or pass a wrong one.
/// </summary>
static class TrainingLoss
{
    public static ConformanceCheck Check { get; } = new("training-loss",
        "a backend with the optional ITrainingLoss returns ComputeGradients' loss (training semantics: the batch's masks and statistics), "
        + "the same bit for bit when asked twice, and changes no parameter or buffer (a backend without ITrainingLoss has nothing to check)",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        using var backend = create(c.Model, c.InitialParameters);
        if (backend is not ITrainingLoss probe)
            return [];
        var problems = new List<string>();
        var before = backend.GetParameters();
        var first = probe.TrainingLoss(c.Batch);
        problems.AddRange(Closeness.NotIdentical("after TrainingLoss, parameter", before, backend.GetParameters()));
        if (Closeness.NotIdentical("the loss", [first], [probe.TrainingLoss(c.Batch)]) is { } again)
            problems.Add($"the second TrainingLoss: {again}");
        if (Closeness.Differs(c.Model, "TrainingLoss", [backend.ComputeGradients(c.Batch).Loss], [first]) is { } loss)
            problems.Add($"{loss} (ComputeGradients')");
        return problems;
    }
}
