using Parity.Spec;
using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// The model run on an input with TorchSharp, every layer's output kept (one per spec layer), in
/// order. An identity layer's output is its input, the same tensor. The tensors belong to the
/// dispose scope the caller runs in.
/// </summary>
public static class LayerOutputs
{
    public static List<Tensor> Run(ParitySpec spec, Tensor input, IReadOnlyDictionary<string, Tensor> parameters)
    {
        var outputs = new List<Tensor>(spec.Model.Count);
        var current = input;
        foreach (var layer in spec.Model)
        {
            current = TwinOps.Layer(layer, current, parameters);
            outputs.Add(current);
        }
        return outputs;
    }
}
