namespace Parity.Spec;

/// <summary>
/// What the diagnosis hands an op's <see cref="LayerOp.Explain"/> about a layer whose backward parts
/// from TorchSharp's while the gradient reaching its output agrees: its settings and one sample's
/// shapes, TorchSharp's input to it, the gradient reaching its output, both engines' gradient passed
/// back (rows·input values, row-major NCHW), and both engines' gradients of its parameters.
/// </summary>
public sealed record LayerEvidence(
    OpSettings Settings, int[] InputShape, int[] OutputShape, double[] Input, double[] GradOutput,
    double[] EngineGradInput, double[] TwinGradInput,
    IReadOnlyList<(HostTensor Engine, HostTensor Twin)> Parameters, Tolerance Tolerance)
{
    /// <summary>Whether <paramref name="value"/> matches <paramref name="reference"/> within the tolerance.</summary>
    public bool Close(double value, double reference) => Math.Abs(value - reference) <= Tolerance.Atol + Tolerance.Rtol * Math.Abs(reference);

    /// <summary>Whether the engine's gradient passed back differs from TorchSharp's at all.</summary>
    public bool GradInputDiffers => EngineGradInput.Where((v, i) => !Close(v, TwinGradInput[i])).Any();
}
