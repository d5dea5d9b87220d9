namespace Parity.Conformance.Checks;

/// <summary>
/// The optional <see cref="ILayerProbe"/> agrees with the backend's own run: re-sync trusts a layer run
/// alone to be the layer of the training step (or of evaluation), so one that reads another input, keeps
/// gradients from before or scales the upstream gradient would make it blame the wrong layer.
/// </summary>
static class LayerProbe
{
    public static ConformanceCheck Check { get; } = new("layer-probe",
        "a backend with the optional ILayerProbe gives, for each layer run alone on the input its Forward gave that layer and the gradient its ComputeGradients says reached "
        + "the layer's output, the layer's output, the gradient ComputeGradients passed back from it (\"input\" for the first layer) and its parameters' gradients, within rounding; "
        + "and its layers' RunLayerEvaluation, each on the one before's output, give Evaluate's outputs "
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
        var evaluated = c.Model.Layers.Aggregate(new HostTensor("input", [c.Batch.Rows, .. c.Model.Layers[0].InputShape], c.Batch.X),
            (input, layer) => probe.RunLayerEvaluation(layer.Index, c.Batch, input));
        if (Closeness.Differs(c.Model, "RunLayerEvaluation of each layer in turn: the output", evaluation.Outputs, evaluated.Data) is { } evaluates)
            problems.Add(evaluates);
        foreach (var layer in c.Model.Layers)
        {
            var i = layer.Index;
            var input = i == 0 ? new HostTensor("input", [c.Batch.Rows, .. layer.InputShape], c.Batch.X) : outputs[i - 1];
            var run = probe.RunLayer(i, c.Batch, input, gradients.LayerOutputs[i]);
            if (Closeness.Differs(c.Model, $"RunLayer({i}): the output", outputs[i].Data, run.Output.Data) is { } output)
                problems.Add(output);
            if (Closeness.Differs(c.Model, $"RunLayer({i}): dL/d(input)", (i == 0 ? gradients.Input : gradients.LayerOutputs[i - 1]).Data, run.Input.Data) is { } passedBack)
                problems.Add(passedBack);
            var own = c.Model.Parameters.Where(p => p.Layer == i && !p.Buffer).Select(p => p.Name).ToHashSet();
            problems.AddRange(Closeness.Differs(c.Model, $"RunLayer({i}): the gradient of", [.. gradients.Parameters.Where(p => own.Contains(p.Name))], run.Parameters));
        }
        return problems;
    }
}
