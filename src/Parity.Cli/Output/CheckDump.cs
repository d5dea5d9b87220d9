using Parity.Harness.Checks;
using Parity.Protocol;
using Parity.Spec;

namespace Parity.Cli.Output;

/// <summary>
/// <c>--dump</c>: the initial parameters, the checked batch, and each engine's loss and gradients as
/// safetensors files (the layout docs/commands.md gives), so anyone can recompute them in PyTorch.
/// </summary>
public static class CheckDump
{
    public static void Write(string folder, CheckResult result)
    {
        Directory.CreateDirectory(folder);
        var model = ModelDescriptions.Describe(result.Spec);
        // The model as an engine's build request describes it (docs/protocol.md): each layer's kind and options
        // under PyTorch's argument names, its module path and a residual block's span, the loss with its reduction.
        var describe = new Dictionary<string, string> { ["model"] = ModelDescriptionJson.Of(model).ToJsonString() };
        Save(folder, "params", result.InitialParameters.Select(p => SafetensorsTensor.Float(p.Name, p.Shape, p.Data, model.IsFloat32)), describe);
        Save(folder, "batch", BatchTensors.Of(model, result.Batch, "y"));
        Save(folder, "engine", Gradients(result.Gradients.Engine, model.IsFloat32));
        Save(folder, "twin", Gradients(result.Gradients.Twin, model.IsFloat32));
    }

    static IEnumerable<SafetensorsTensor> Gradients(Gradients gradients, bool float32) =>
        gradients.Parameters.Select(g => SafetensorsTensor.Float(g.Name, g.Shape, g.Data, float32))
            .Append(SafetensorsTensor.Float("loss", [1], [gradients.Loss], float32));

    static void Save(string folder, string name, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(Path.Combine(folder, $"{name}.safetensors"), SafetensorsCodec.Encode(tensors.ToList(), metadata));
}
