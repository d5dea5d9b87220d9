using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// The model run on an input with TorchSharp, every layer's output kept (one per layer), in order.
/// An identity layer's output is its input, the same tensor. The tensors belong to the dispose scope
/// the caller runs in.
/// </summary>
public static class LayerOutputs
{
    public static List<Tensor> Run(IReadOnlyList<Func<Tensor, Tensor>> layers, Tensor input)
    {
        var outputs = new List<Tensor>(layers.Count);
        var current = input;
        foreach (var layer in layers)
        {
            current = layer(current);
            outputs.Add(current);
        }
        return outputs;
    }
}
