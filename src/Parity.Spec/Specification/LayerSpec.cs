namespace Parity.Spec;

/// <summary>
/// One entry of the model, in the flat post-order list of <see cref="ParitySpec.Model"/>: <see cref="Index"/>
/// is its place in that list (a residual block comes right after its layers), <see cref="Path"/> its place
/// in the PyTorch module tree ("3", "3.1"), which prefixes its parameter and mask names.
/// </summary>
public abstract record LayerSpec(int Index, SourceMark Mark)
{
    /// <summary>The layer's PyTorch module path; without residual blocks, the index.</summary>
    public string Path { get; init; } = Index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Path + ".": how the names of its parameters and masks start.</summary>
    public string Prefix => Path + ".";
}

/// <summary>nn.Linear: over flat features, or over the last dimension of a sequence [T, in].</summary>
public sealed record LinearLayer(int Index, int In, int Out, bool Bias, SourceMark Mark) : LayerSpec(Index, Mark)
{
    public string WeightName => $"{Prefix}weight";
    public string BiasName => $"{Prefix}bias";
}

/// <summary>A layer of the op catalogue (<see cref="LayerOps"/>): its op and its option values.</summary>
public sealed record OpLayer(int Index, LayerOp Op, OpSettings Settings, SourceMark Mark) : LayerSpec(Index, Mark)
{
    public string Keyword => Op.Keyword;
}

/// <summary>
/// <c>residual: [ … ]</c>: output = input + its layers' output. Its layers are the <see cref="Span"/>
/// entries right before it in the flat list (all its descendants); it owns nothing itself.
/// </summary>
public sealed record ResidualLayer(int Index, int Span, SourceMark Mark) : LayerSpec(Index, Mark)
{
    public const string Keyword = "residual";
}
