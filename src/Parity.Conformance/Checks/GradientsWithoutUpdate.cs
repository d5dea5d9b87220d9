namespace Parity.Conformance.Checks;

/// <summary>ComputeGradients reports every gradient the contract names, changes no parameter (a buffer moves, as in PyTorch's training forward), and starts from zero each time.</summary>
static class GradientsWithoutUpdate
{
    public static ConformanceCheck Check { get; } = new("gradients-without-update",
        "ComputeGradients returns each parameter's gradient (state_dict names and shapes; none for a buffer), the gradient reaching each layer's output and the input's (\"input\"), "
        + "leaves the parameters as they were (buffers move as a training forward moves them), and gives bit for bit the same the second time (the gradients are zeroed, not accumulated)",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        using var backend = create(c.Model, c.InitialParameters);
        var trained = c.Model.Parameters.Where(p => !p.Buffer).Select(p => p.Name).ToHashSet();
        IReadOnlyList<HostTensor> Trained(IReadOnlyList<HostTensor> state) => [.. state.Where(t => trained.Contains(t.Name))];
        var before = Trained(backend.GetParameters());
        var first = backend.ComputeGradients(c.Batch);
        var problems = new List<string>();
        problems.AddRange(Closeness.NotIdentical("after ComputeGradients, parameter", before, Trained(backend.GetParameters())));

        var described = string.Join(", ", c.Model.Parameters.Where(p => !p.Buffer).Select(p => $"{p.Name} [{string.Join(", ", p.Shape)}]"));
        if (Closeness.Names(first.Parameters) != described)
            problems.Add($"the parameter gradients are {Closeness.Names(first.Parameters)}; the parameters are {described}");
        problems.AddRange(Outline.LayerProblems(c, "the gradients reaching the layers' outputs", first.LayerOutputs));
        var input = new HostTensor("input", Outline.Input(c), []);
        if (Closeness.Names([first.Input]) != Closeness.Names([input]))
            problems.Add($"the input's gradient is {Closeness.Names([first.Input])}, expected {Closeness.Names([input])}");

        var second = backend.ComputeGradients(c.Batch);
        if (Closeness.NotIdentical("the loss", [first.Loss], [second.Loss]) is { } loss)
            problems.Add($"the second ComputeGradients: {loss}");
        problems.AddRange(Closeness.NotIdentical("the second ComputeGradients: the gradient of", first.Parameters, second.Parameters));
        problems.AddRange(Closeness.NotIdentical("the second ComputeGradients: the gradient reaching layer", first.LayerOutputs, second.LayerOutputs));
        problems.AddRange(Closeness.NotIdentical("the second ComputeGradients: the gradient of", [first.Input], [second.Input]));
        return problems;
    }
}
