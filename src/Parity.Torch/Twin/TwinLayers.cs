using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// The model's flat post-order list of layers (<see cref="ModelDescription.Layers"/>) as TorchSharp calls,
/// run on an input with every entry's output kept, in order. A layer takes the output of the entry before
/// it (the input for the first); a residual block, listed after the Span entries it wraps, outputs its
/// input — what the first of them took — plus the output of the last of them, as <c>x + super().forward(x)</c>
/// does. An identity layer's output is its input, the same tensor. The tensors belong to the dispose scope
/// the caller runs in.
/// </summary>
public sealed class TwinLayers
{
    // Null for a residual block, which adds what its span computed and calls nothing of its own.
    readonly Func<Tensor, Tensor>?[] _calls;
    readonly int[] _spans;

    public TwinLayers(IReadOnlyList<LayerDescription> layers, Func<LayerDescription, Func<Tensor, Tensor>> call)
    {
        _calls = [.. layers.Select(layer => layer.Kind == "residual" ? null : call(layer))];
        _spans = [.. layers.Select(layer => layer.Span)];
    }

    /// <summary>Every entry's output, the model run on <paramref name="input"/>.</summary>
    public List<Tensor> Run(Tensor input) => Run(input, 0, _calls.Length);

    /// <summary>Entry <paramref name="entry"/> alone on <paramref name="input"/>: for a residual block, the entries it wraps and the skip.</summary>
    public Tensor RunEntry(int entry, Tensor input) => Run(input, entry - _spans[entry], _spans[entry] + 1)[^1];

    /// <summary>Whether entry <paramref name="entry"/> takes the model's input (its span, for a residual block, starts the model).</summary>
    public bool TakesModelInput(int entry) => entry == _spans[entry];

    /// <summary>The outputs of entries first … first + count − 1, the entry before <paramref name="first"/> having output <paramref name="input"/>.</summary>
    List<Tensor> Run(Tensor input, int first, int count)
    {
        var outputs = new List<Tensor>(count);
        for (var k = first; k < first + count; k++)
            outputs.Add(_calls[k] is { } call
                ? call(OutputOf(k - 1))
                : OutputOf(k - _spans[k] - 1) + OutputOf(k - 1));
        return outputs;

        Tensor OutputOf(int entry) => entry < first ? input : outputs[entry - first];
    }
}
