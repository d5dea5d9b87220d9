using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// <c>init: torch</c>: TorchSharp seeded with the model's seed initialises each <c>nn.Linear</c> with its
/// own default scheme, in layer order, as <c>torch.manual_seed(seed)</c> then <c>nn.Linear(...)</c> do in
/// PyTorch; those values are then every engine's initial parameters. Modules initialise in float32,
/// the default dtype, so a float64 model holds them exactly.
/// </summary>
public static class TorchInitialParameters
{
    public static IReadOnlyList<HostTensor> Create(ModelDescription model)
    {
        manual_seed(model.Seed);
        var tensors = new List<HostTensor>();
        foreach (var layer in model.Layers.Where(layer => layer.Kind == "linear"))
        {
            using var linear = nn.Linear(layer.Integer("in_features"), layer.Integer("out_features"), hasBias: layer.Flag("bias", true));
            // "weight", then "bias": under the layer's index, the state_dict's names.
            foreach (var (name, parameter) in linear.named_parameters())
                tensors.Add(HostTensors.ToHost($"{layer.Index}.{name}", parameter));
        }
        return tensors;
    }
}
