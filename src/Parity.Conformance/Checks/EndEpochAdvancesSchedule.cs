namespace Parity.Conformance.Checks;

/// <summary>EndEpoch steps the learning-rate schedule: the next step's size changes as the schedule says (and not at all without one).</summary>
static class EndEpochAdvancesSchedule
{
    public static ConformanceCheck Check { get; } = new("end-epoch",
        "after EndEpoch, a step from the same parameters and batch is the schedule's factor times the first epoch's (exponential: γ; step: γ every step_size epochs; none: 1)",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        var factor = c.Model.Schedule switch
        {
            null => 1,
            { Kind: "exponential" } exponential => exponential.Number("gamma"),
            { Kind: "step" } step => step.Integer("step_size") == 1 ? step.Number("gamma") : 1,
            var other => throw new NotSupportedException($"the kit knows the exponential and step schedules only; this model's is {other.Kind}"),
        };
        IReadOnlyList<HostTensor> start, firstEpoch, secondEpoch;
        using (var backend = create(c.Model, c.InitialParameters))
        {
            start = backend.GetParameters();
            backend.ComputeGradients(c.Batch);
            backend.Step();
            firstEpoch = backend.GetParameters();
        }
        using (var backend = create(c.Model, c.InitialParameters))
        {
            backend.EndEpoch();
            backend.ComputeGradients(c.Batch);
            backend.Step();
            secondEpoch = backend.GetParameters();
        }
        // p₀ + factor·(p₁ − p₀): the same step, scaled by the learning rate's change.
        var expected = start.Zip(firstEpoch, (p0, p1) => p0 with { Data = [.. p0.Data.Zip(p1.Data, (a, b) => a + factor * (b - a))] }).ToList();
        var schedule = c.Model.Schedule?.Kind ?? "no";
        return [.. Closeness.Differs(c.Model, $"after EndEpoch ({schedule} schedule, the step {factor}× the first), a step's parameter", expected, secondEpoch)];
    }
}
