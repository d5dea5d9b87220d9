namespace Parity.Conformance.Checks;

/// <summary>
/// The optional <see cref="IForwardInto"/> writes what Forward returns: the finite-difference check
/// reads the inputs of kinked layers through it, so a wrong or stale array would hide a kink crossed
/// or report one that is not.
/// </summary>
static class ForwardInto
{
    public static ConformanceCheck Check { get; } = new("forward-into",
        "a backend with the optional IForwardInto writes, for the layers asked in the order asked (here every layer, last first), into arrays already holding NaN, "
        + "exactly the outputs its Forward returns (a backend without IForwardInto has nothing to check)",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        using var backend = create(c.Model, c.InitialParameters);
        if (backend is not IForwardInto into)
            return [];
        var outputs = backend.Forward(c.Batch);
        int[] layers = [.. Enumerable.Range(0, outputs.Count).Reverse()];
        var written = layers.Select(i => Enumerable.Repeat(double.NaN, outputs[i].Count).ToArray()).ToArray();
        into.ForwardInto(c.Batch, layers, written);
        return Closeness.NotIdentical("ForwardInto's output of layer", [.. layers.Select(i => outputs[i])],
            [.. layers.Zip(written, (i, values) => outputs[i] with { Data = values })]).ToList();
    }
}
