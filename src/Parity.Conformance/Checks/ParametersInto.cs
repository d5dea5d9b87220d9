namespace Parity.Conformance.Checks;

/// <summary>
/// The optional <see cref="IParametersInto"/> writes what GetParameters returns: lockstep training reads both
/// engines' parameters through it after every step, so a stale or misplaced array would hide a divergence or
/// report one that is not.
/// </summary>
static class ParametersInto
{
    public static ConformanceCheck Check { get; } = new("parameters-into",
        "a backend with the optional IParametersInto writes, after a training step, into arrays already holding NaN, exactly the values "
        + "its GetParameters returns, and changes nothing (a backend without IParametersInto has nothing to check)",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        using var backend = create(c.Model, c.InitialParameters);
        if (backend is not IParametersInto into)
            return [];
        // After a step, so that an array left from construction cannot pass for the current values.
        backend.TrainStep(c.Batch);
        var parameters = backend.GetParameters();
        var written = parameters.Select(p => Enumerable.Repeat(double.NaN, p.Count).ToArray()).ToArray();
        into.GetParametersInto(written);
        return [.. Closeness.NotIdentical("GetParametersInto's", parameters, [.. parameters.Zip(written, (p, values) => p with { Data = values })]),
            .. Closeness.NotIdentical("after GetParametersInto, GetParameters", parameters, backend.GetParameters())];
    }
}
