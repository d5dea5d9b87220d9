namespace Parity.Conformance.Checks;

/// <summary>Forward gives every layer's output, named by index and shaped [rows, …the layer's output], and changes no parameter.</summary>
static class LayerForward
{
    public static ConformanceCheck Check { get; } = new("forward-layers",
        "Forward returns one output per layer, named \"0\", \"1\", … in model order, each [rows, …the layer's output shape], and leaves the parameters as they were",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        using var backend = create(c.Model, c.InitialParameters);
        var before = backend.GetParameters();
        var outputs = backend.Forward(c.Batch);
        var problems = Outline.LayerProblems(c, "Forward", outputs).ToList();
        problems.AddRange(Closeness.NotIdentical("after Forward, parameter", before, backend.GetParameters()));
        return problems;
    }
}
