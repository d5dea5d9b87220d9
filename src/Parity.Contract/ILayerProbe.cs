namespace Parity.Contract;

/// <summary>
/// Optional for a backend: one layer's training forward and backward on an input and an upstream
/// gradient the caller gives, and its evaluation forward on an input, so that a check can feed every layer the reference's input and the
/// reference's dL/d(output) and tell a layer's own error from the drift it inherits from the layers
/// before it (re-sync), and can see that backward is linear in the upstream gradient.
/// </summary>
public interface ILayerProbe
{
    /// <summary>
    /// Layer <paramref name="layer"/> (its index in <see cref="ModelDescription.Layers"/>) on
    /// <paramref name="input"/> [rows, …the layer's InputShape], as the training step runs it — dropout
    /// applies the batch's mask (<see cref="Batch.Masks"/>; the batch gives nothing else), batch norm
    /// normalises by the input's statistics and moves its buffers as ComputeGradients' forward does —
    /// then its backward from <paramref name="outputGradient"/> [rows, …OutputShape], the dL/d(output)
    /// given. Returns the output, dL/d(input) and the gradients of the layer's own parameters alone
    /// (none for a layer without any), each computed from zero: nothing accumulates across calls or
    /// with an earlier ComputeGradients, whose gradients this call may overwrite. No parameter moves.
    /// A backend that cannot run a layer alone (an engine in another process that declines the
    /// request) throws <see cref="NotSupportedException"/>, saying why.
    /// </summary>
    LayerRun RunLayer(int layer, Batch batch, HostTensor input, HostTensor outputGradient);

    /// <summary>
    /// Layer <paramref name="layer"/> on <paramref name="input"/> [rows, …InputShape] as
    /// <see cref="IBackend.Evaluate"/> runs it — dropout passes its input through, batch norm normalises by
    /// its running statistics as they stand — with no gradient and no buffer moved; <paramref name="batch"/>
    /// gives the rows alone. Returns the output [rows, …OutputShape], so that re-sync can tell a layer
    /// whose evaluation alone differs (batch norm on the batch's statistics in eval mode). Throws
    /// <see cref="NotSupportedException"/>, saying why, as <see cref="RunLayer"/> does.
    /// </summary>
    HostTensor RunLayerEvaluation(int layer, Batch batch, HostTensor input);
}

/// <summary>
/// What <see cref="ILayerProbe.RunLayer"/> computed: the layer's output ("output", [rows, …OutputShape]),
/// dL/d(input) ("input", [rows, …InputShape]) and its parameters' gradients by state_dict name.
/// </summary>
public sealed record LayerRun(HostTensor Output, HostTensor Input, IReadOnlyList<HostTensor> Parameters);
