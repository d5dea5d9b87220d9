using Parity.Spec;
using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// <c>init: torch</c>: TorchSharp seeded with the spec's seed initialises each <c>nn.Linear</c> with its
/// own default scheme, in layer order, as <c>torch.manual_seed(seed)</c> then <c>nn.Linear(...)</c> do in
/// PyTorch; those values are then every engine's initial parameters. Modules initialise in float32,
/// the default dtype, so a float64 model holds them exactly.
/// </summary>
public static class TorchInitialParameters
{
    public static IReadOnlyList<HostTensor> Create(ParitySpec spec)
    {
        manual_seed(spec.Seed);
        var tensors = new List<HostTensor>();
        foreach (var layer in spec.LinearLayers)
        {
            using var linear = nn.Linear(layer.In, layer.Out, hasBias: layer.Bias);
            tensors.Add(HostTensors.ToHost(layer.WeightName, linear.weight!));
            if (linear.bias is { } bias)
                tensors.Add(HostTensors.ToHost(layer.BiasName, bias));
        }
        return tensors;
    }
}
