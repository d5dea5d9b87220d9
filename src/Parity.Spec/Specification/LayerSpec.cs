namespace Parity.Spec;

/// <summary>One entry of the spec's <c>model</c> list; <see cref="Index"/> prefixes its parameter names.</summary>
public abstract record LayerSpec(int Index, SourceMark Mark);

public sealed record LinearLayer(int Index, int In, int Out, bool Bias, SourceMark Mark) : LayerSpec(Index, Mark)
{
    public string WeightName => $"{Index}.weight";
    public string BiasName => $"{Index}.bias";
}

public enum ActivationKind { Relu, Tanh, Sigmoid, Softmax, Identity, LeakyRelu }

public sealed record ActivationLayer(int Index, ActivationKind Kind, double Slope, SourceMark Mark) : LayerSpec(Index, Mark)
{
    /// <summary>Whether the activation's output always lies in [0, 1] (what BCE requires of its input).</summary>
    public bool IsProbability => Kind is ActivationKind.Sigmoid or ActivationKind.Softmax;
}
