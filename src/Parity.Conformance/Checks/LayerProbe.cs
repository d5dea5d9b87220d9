namespace Parity.Conformance.Checks;

/// <summary>
/// The optional <see cref="ILayerProbe"/> agrees with the backend's own run: re-sync trusts a layer run
/// alone to be the layer of the training step (or of evaluation), so one that reads another input, keeps
/// gradients from before or scales the upstream gradient would make it blame the wrong layer.
/// </summary>
static class LayerProbe
{
    public static ConformanceCheck Check { get; } = new("layer-probe",
        "a backend with the optional ILayerProbe gives, for each layer run alone on the input its Forward gave that layer (the output of the entry feeding it: "
        + "for a residual block, the entry before its layers) and the gradient its ComputeGradients says reached the layer's output, the layer's output, "
        + "the gradient ComputeGradients passed back from it (\"input\" for the first layer; less the skip's share where a residual block starts with it) "
        + "and the gradients of its parameters (a block's: every parameter inside it), within rounding; "
        + "and its layers' RunLayerEvaluation, each on its feeding entry's output, give Evaluate's outputs "
        + "(a backend without ILayerProbe has nothing to check)",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        using var backend = create(c.Model, c.InitialParameters);
        if (backend is not ILayerProbe probe)
            return [];
        var outputs = backend.Forward(c.Batch);
        var gradients = backend.ComputeGradients(c.Batch);
        var problems = new List<string>();
        // Before the layers' training runs below move the buffers again: the layers' evaluations in turn are the backend's Evaluate.
        var evaluation = backend.Evaluate(c.Batch);
        var evaluated = new HostTensor[c.Model.Layers.Count];
        foreach (var layer in c.Model.Layers)
            evaluated[layer.Index] = probe.RunLayerEvaluation(layer.Index, c.Batch, Wiring.Input(c, evaluated, layer.Index));
        if (Closeness.Differs(c.Model, "RunLayerEvaluation of each layer in turn: the output", evaluation.Outputs, evaluated[^1].Data) is { } evaluates)
            problems.Add(evaluates);
        foreach (var layer in c.Model.Layers)
        {
            var i = layer.Index;
            var run = probe.RunLayer(i, c.Batch, Wiring.Input(c, outputs, i), gradients.LayerOutputs[i]);
            if (Closeness.Differs(c.Model, $"RunLayer({i}): the output", outputs[i].Data, run.Output.Data) is { } output)
                problems.Add(output);
            if (Closeness.Differs(c.Model, $"RunLayer({i}): dL/d(input)", Wiring.PassedBack(c.Model, gradients, i), run.Input.Data) is { } passedBack)
                problems.Add(passedBack);
            var own = c.Model.Parameters.Where(p => !p.Buffer && Wiring.Encloses(c.Model, i, p)).Select(p => p.Name).ToHashSet();
            problems.AddRange(Closeness.Differs(c.Model, $"RunLayer({i}): the gradient of", [.. gradients.Parameters.Where(p => own.Contains(p.Name))], run.Parameters));
        }
        return problems;
    }
}
