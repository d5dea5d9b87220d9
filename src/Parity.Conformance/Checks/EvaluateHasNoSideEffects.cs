namespace Parity.Conformance.Checks;

/// <summary>Evaluate computes the model's loss and output and changes nothing: not the parameters, not the training that follows.</summary>
static class EvaluateHasNoSideEffects
{
    public static ConformanceCheck Check { get; } = new("evaluate",
        "Evaluate returns ComputeGradients' loss and the last layer's Forward output [rows, width] (for a model without dropout or batch norm), the same bit for bit when asked twice, "
        + "and changes nothing: the parameters stay, and a training step after it lands where it lands without it",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        var problems = new List<string>();
        IReadOnlyList<HostTensor> evaluated, plain;
        using (var backend = create(c.Model, c.InitialParameters))
        {
            var before = backend.GetParameters();
            var first = backend.Evaluate(c.Batch);
            problems.AddRange(Closeness.NotIdentical("after Evaluate, parameter", before, backend.GetParameters()));
            var second = backend.Evaluate(c.Batch);
            if ((Closeness.NotIdentical("the loss", [first.Loss], [second.Loss]) ?? Closeness.NotIdentical("the output", first.Outputs, second.Outputs)) is { } again)
                problems.Add($"the second Evaluate: {again}");

            var width = c.Model.Layers[^1].OutputShape.Aggregate(1, (n, d) => n * d);
            if (first.Width != width || first.Outputs.Length != c.Batch.Rows * width)
                problems.Add($"Evaluate gives {first.Outputs.Length} outputs of width {first.Width}; the model's are {c.Batch.Rows} rows of {width}");
            // Forward and ComputeGradients train (dropout drops, batch norm takes the batch's statistics);
            // Evaluate evaluates: they agree only for a model without dropout and buffers.
            else if (TrainingIsEvaluation(c) && Closeness.Differs(c.Model, "Evaluate's output", backend.Forward(c.Batch)[^1].Data, first.Outputs) is { } output)
                problems.Add($"{output} (the last layer's Forward output)");
            var trainingLoss = backend.ComputeGradients(c.Batch).Loss;
            if (TrainingIsEvaluation(c) && Closeness.Differs(c.Model, "Evaluate's loss", [trainingLoss], [first.Loss]) is { } loss)
                problems.Add($"{loss} (ComputeGradients')");
            backend.Step();
            evaluated = backend.GetParameters();
        }
        using (var backend = create(c.Model, c.InitialParameters))
        {
            backend.ComputeGradients(c.Batch);
            backend.Step();
            plain = backend.GetParameters();
        }
        problems.AddRange(Closeness.Differs(c.Model, "a step after Evaluate: parameter", plain, evaluated));
        return problems;
    }

    static bool TrainingIsEvaluation(ConformanceCase c) => c.Batch.Masks is null && !c.Model.Parameters.Any(p => p.Buffer);
}
