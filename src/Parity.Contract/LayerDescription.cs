using System.Text.Json.Nodes;

namespace Parity.Contract;

/// <summary>
/// A layer of the model: its position in <see cref="ModelDescription.Layers"/>, its kind and options,
/// and the shape of one sample going in and coming out (the batch dimension left out): <c>[784]</c>
/// for a flat input, <c>[1, 28, 28]</c> for an image, <c>[T, C]</c> for a sequence of T vectors.
/// </summary>
/// <remarks>
/// A <c>residual</c> block (output = its input + its layers' output, as a PyTorch <c>nn.Sequential</c>
/// subclass whose forward is <c>x + super().forward(x)</c>) is listed after its layers, in post-order:
/// the <see cref="Span"/> entries right before it are its layers and theirs (blocks nest). So every
/// layer but a residual block takes the output of the entry before it (the model's input for the
/// first), and a residual block takes the input of the first entry of its span. <see cref="Path"/> is
/// the layer's place in the PyTorch module tree, what its parameters' and masks' names start with:
/// <c>"3"</c> at the top level, <c>"3.1"</c> for the second layer of the block at index 3 of the
/// spec's model list. Without residual blocks, Path is the index.
/// </remarks>
public sealed record LayerDescription(int Index, string Kind, JsonObject Options, int[] InputShape, int[] OutputShape) : Described(Kind, Options)
{
    /// <summary>The layer's place in the PyTorch module tree ("3", "3.1"); its parameters are named Path + "." + name.</summary>
    public string Path { get; init; } = Index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>For a residual block, how many entries right before it in <see cref="ModelDescription.Layers"/> it wraps (all its descendants); 0 for any other layer.</summary>
    public int Span { get; init; }

    /// <summary>Path + ".": how the names of its parameters, buffers and masks start.</summary>
    public string Prefix => Path + ".";
}
