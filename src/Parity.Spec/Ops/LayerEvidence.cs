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
    public bool Close(double value, double reference) => Tolerance.Close(value, reference);

    /// <summary>The layer's parameter values as both engines ran it (TorchSharp's), by state_dict name: what an op recomputes itself from (attention, layer norm).</summary>
    public IReadOnlyList<HostTensor> Values { get; init; } = [];

    /// <summary>The value of the parameter whose name ends in <paramref name="name"/> ("c_attn.weight"), or null when the layer has none by that name.</summary>
    public double[]? Value(string name) => Values.FirstOrDefault(v => v.Name.EndsWith("." + name, StringComparison.Ordinal))?.Data;

    /// <summary>Whether every value of <paramref name="engine"/> matches <paramref name="reference"/> within the tolerance.</summary>
    public bool Same(double[] engine, double[] reference) => engine.Length == reference.Length && engine.Select((v, i) => Close(v, reference[i])).All(ok => ok);

    /// <summary>The engine's gradient of the parameter whose name ends in <paramref name="name"/>, or null.</summary>
    public double[]? EngineGradient(string name) => Parameters.FirstOrDefault(p => p.Engine.Name.EndsWith("." + name, StringComparison.Ordinal)).Engine?.Data;

    /// <summary>Whether the engine's gradient passed back differs from TorchSharp's at all.</summary>
    public bool GradInputDiffers => EngineGradInput.Where((v, i) => !Close(v, TwinGradInput[i])).Any();
}
