using Parity.Spec;

namespace Parity.Torch.Twin;

/// <summary>
/// <c>init: torch</c>: libtorch seeded with the spec's seed initialises each nn.Linear with its own
/// default scheme, in layer order; those values are then every engine's initial parameters. libtorch
/// initialises in float32, its default dtype, so a float64 model holds them exactly.
/// </summary>
public static class TorchInitialParameters
{
    public static IReadOnlyList<HostTensor> Create(ParitySpec spec)
    {
        torch.manual_seed(spec.Seed);
        var tensors = new List<HostTensor>();
        foreach (var layer in spec.LinearLayers)
        {
            using var linear = torch.nn.LinearDefault(layer.In, layer.Out, layer.Bias);
            tensors.Add(new HostTensor(layer.WeightName, [layer.Out, layer.In], linear.weight.data<double>()));
            if (linear.bias is not null)
                tensors.Add(new HostTensor(layer.BiasName, [layer.Out], linear.bias.data<double>()));
        }
        return tensors;
    }
}
