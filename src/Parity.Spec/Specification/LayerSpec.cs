namespace Parity.Spec;

/// <summary>One entry of the spec's <c>model</c> list; <see cref="Index"/> prefixes its parameter names.</summary>
public abstract record LayerSpec(int Index, SourceMark Mark);

public sealed record LinearLayer(int Index, int In, int Out, bool Bias, SourceMark Mark) : LayerSpec(Index, Mark)
{
    public string WeightName => $"{Index}.weight";
    public string BiasName => $"{Index}.bias";
}

/// <summary>A layer of the op catalogue (<see cref="LayerOps"/>): its op and its option values.</summary>
public sealed record OpLayer(int Index, LayerOp Op, OpSettings Settings, SourceMark Mark) : LayerSpec(Index, Mark)
{
    public string Keyword => Op.Keyword;
}
