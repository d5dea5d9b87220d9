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
        var float32 = result.Spec.DType == DType.Float32;
        var batch = result.Batch;
        Save(folder, "params", result.InitialParameters.Select(p => SafetensorsTensor.Float(p.Name, p.Shape, p.Data, float32)), Describe(result.Spec));
        var targets = batch.Classes is { } classes
            ? SafetensorsTensor.Int64("y", [batch.Rows], classes.Select(c => (long)c).ToArray())
            : SafetensorsTensor.Float("y", [batch.Rows, batch.TargetWidth], batch.Targets!, float32);
        Save(folder, "batch", [SafetensorsTensor.Float("x", [batch.Rows, batch.Features], batch.X, float32), targets,
            .. (batch.Masks ?? []).Select(mask => SafetensorsTensor.Float(mask.Name, mask.Shape, mask.Data, float32))]);
        Save(folder, "engine", Gradients(result.Gradients.Engine, float32));
        Save(folder, "twin", Gradients(result.Gradients.Twin, float32));
    }

    static IEnumerable<SafetensorsTensor> Gradients(Gradients gradients, bool float32) =>
        gradients.Parameters.Select(g => SafetensorsTensor.Float(g.Name, g.Shape, g.Data, float32))
            .Append(SafetensorsTensor.Float("loss", [1], [gradients.Loss], float32));

    static void Save(string folder, string name, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(Path.Combine(folder, $"{name}.safetensors"), SafetensorsCodec.Encode(tensors.ToList(), metadata));

    /// <summary>What a reader needs to rebuild the model and loss without the spec: one layer per ';' (e.g. "linear 2 25 bias;relu;leaky-relu negative_slope=0.01;softmax dim=1;unflatten unflattened_size=[1,28,28] dim=1"): an op's options under PyTorch's argument names, so that a reader calls torch.nn.functional by the kind with them.</summary>
    static Dictionary<string, string> Describe(ParitySpec spec) => new()
    {
        ["spec"] = spec.Name,
        ["dtype"] = spec.DType.ToString().ToLowerInvariant(),
        ["layers"] = string.Join(";", spec.Model.Zip(LayerShapes.Of(spec), (layer, shapes) => layer switch
        {
            LinearLayer l => $"linear {l.In} {l.Out} {(l.Bias ? "bias" : "nobias")}",
            OpLayer a => string.Join(" ", a.Op.Describe(a.Settings, shapes.In).Select(o => $"{o.Key}={o.Value!.ToJsonString().Trim('"')}").Prepend(a.Keyword)),
            _ => throw new ArgumentOutOfRangeException(nameof(spec)),
        })),
        ["loss"] = spec.Loss.Op.Keyword,
        ["loss_options"] = spec.Loss.Settings.ToJson().ToJsonString(),
        ["reduction"] = spec.Loss.Reduction.ToString().ToLowerInvariant(),
    };
}
