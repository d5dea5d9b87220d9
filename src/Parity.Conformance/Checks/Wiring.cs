namespace Parity.Conformance.Checks;

/// <summary>
/// How the entries of a model description feed each other, read from the contract alone as Parity.Spec's
/// LayerShapes.Feeding reads it from a spec: the list is post-order (<see cref="LayerDescription"/>), so
/// every entry takes the output of the entry before it, but a residual block takes the input of the first
/// entry of its span; and that input also reaches the block's output through the skip.
/// </summary>
static class Wiring
{
    /// <summary>The entry whose output entry <paramref name="i"/> takes, −1 for the model's input.</summary>
    public static int Feeding(ModelDescription model, int i) => i - 1 - model.Layers[i].Span;

    /// <summary>What entry <paramref name="i"/> takes in a run whose entries gave <paramref name="outputs"/>: its feeding entry's output, or the batch's input.</summary>
    public static HostTensor Input(ConformanceCase c, IReadOnlyList<HostTensor> outputs, int i) =>
        Feeding(c.Model, i) is var feeding and >= 0 ? outputs[feeding] : new HostTensor("input", Outline.Input(c), c.Batch.X);

    /// <summary>
    /// dL/d(input) as entry <paramref name="i"/> alone passes it back, from one backward through the whole model: the
    /// gradient at its input (its feeding entry's output, or "input"), less the gradient at the output of each block
    /// that encloses it and starts where it starts — what that block's skip adds to the same input. For a block's first
    /// layer that is the block and every enclosing block beginning with it; for a block, the enclosing ones.
    /// </summary>
    public static double[] PassedBack(ModelDescription model, Gradients gradients, int i)
    {
        var feeding = Feeding(model, i);
        var own = (double[])(feeding >= 0 ? gradients.LayerOutputs[feeding] : gradients.Input).Data.Clone();
        var start = i - model.Layers[i].Span;
        foreach (var block in model.Layers.Where(l => l.Index > i && l.Index - l.Span == start))
            for (var k = 0; k < own.Length; k++)
                own[k] -= gradients.LayerOutputs[block.Index].Data[k];
        return own;
    }

    /// <summary>Entry <paramref name="i"/> and the entries of its span: the layers whose parameters its run alone reports.</summary>
    public static bool Encloses(ModelDescription model, int i, ParameterDescription parameter) =>
        parameter.Layer <= i && parameter.Layer >= i - model.Layers[i].Span;
}
