using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// <c>init: torch</c>: TorchSharp seeded with the model's seed initialises each layer with parameters (<c>nn.Linear</c>,
/// <c>nn.Conv2d</c>, <c>nn.Embedding</c>, …) with its own default scheme, in layer order — the flat post-order list's,
/// which is the order a PyTorch model written inline constructs its layers in (a residual block owns none) — as
/// <c>torch.manual_seed(seed)</c> then <c>nn.Linear(...)</c> do in PyTorch; those values are then every engine's initial parameters. Modules initialise in float32,
/// the default dtype, so a float64 model holds them exactly.
/// </summary>
public static class TorchInitialParameters
{
    public static IReadOnlyList<HostTensor> Create(ModelDescription model)
    {
        // libtorch's default generator is one per process: models initialised at once on two threads
        // would draw from each other's stream, and neither would get what its seed gives.
        lock (TorchRuntime.Gate)
            return Draw(model);
    }

    static List<HostTensor> Draw(ModelDescription model)
    {
        manual_seed(model.Seed);
        var tensors = new List<HostTensor>();
        var owners = model.Parameters.Select(p => p.Layer).ToHashSet();
        foreach (var layer in model.Layers.Where(layer => owners.Contains(layer.Index)))
        {
            using var module = TwinOps.Initialiser(layer);
            // "weight", then "bias", then any buffers (batch norm's running statistics): under the layer's path, the state_dict's names.
            foreach (var (name, tensor) in module.state_dict())
                tensors.Add(HostTensors.ToHost(layer.Prefix + name, tensor));
        }
        return tensors;
    }
}
