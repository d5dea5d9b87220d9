using Parity.Harness.Checks;
using Parity.Spec;

namespace Parity.Cli.Output;

/// <summary>
/// <c>--dump</c>: the initial parameters, the checked batch, and each engine's loss and gradients as
/// safetensors files (DESIGN.md's layout), so anyone can recompute them in PyTorch.
/// </summary>
public static class CheckDump
{
    public static void Write(string folder, CheckResult result)
    {
        Directory.CreateDirectory(folder);
        var dtype = result.Spec.DType;
        var batch = result.Batch;
        Save(folder, "params", result.InitialParameters.Select(p => new Safetensors.Entry(p.Name, p.Shape, p.Data, dtype)), Describe(result.Spec));
        var targets = batch.Classes is { } classes
            ? new Safetensors.Entry("y", [batch.Rows], null, Integers: classes.Select(c => (long)c).ToArray())
            : new Safetensors.Entry("y", [batch.Rows, batch.TargetWidth], batch.Targets, dtype);
        Save(folder, "batch", [new Safetensors.Entry("x", [batch.Rows, batch.Features], batch.X, dtype), targets]);
        Save(folder, "engine", Gradients(result.Gradients.Engine, dtype));
        Save(folder, "twin", Gradients(result.Gradients.Twin, dtype));
    }

    static IEnumerable<Safetensors.Entry> Gradients(Gradients gradients, DType dtype) =>
        gradients.Parameters.Select(g => new Safetensors.Entry(g.Name, g.Shape, g.Data, dtype))
            .Append(new Safetensors.Entry("loss", [1], [gradients.Loss], dtype));

    static void Save(string folder, string name, IEnumerable<Safetensors.Entry> entries, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(Path.Combine(folder, $"{name}.safetensors"), Safetensors.Encode(entries.ToList(), metadata));

    /// <summary>What a reader needs to rebuild the model and loss without the spec: one layer per ';' (e.g. "linear 2 25 bias;relu;leaky-relu negative_slope=0.01;softmax dim=1"): an op's options under PyTorch's argument names, so that a reader calls torch.nn.functional by the kind with them.</summary>
    static Dictionary<string, string> Describe(ParitySpec spec) => new()
    {
        ["spec"] = spec.Name,
        ["dtype"] = spec.DType.ToString().ToLowerInvariant(),
        ["layers"] = string.Join(";", spec.Model.Select(layer => layer switch
        {
            LinearLayer l => $"linear {l.In} {l.Out} {(l.Bias ? "bias" : "nobias")}",
            ActivationLayer a => string.Join(" ", a.Op.Describe(a.Settings).Select(o => $"{o.Key}={o.Value!.ToJsonString().Trim('"')}").Prepend(a.Keyword)),
            _ => throw new ArgumentOutOfRangeException(nameof(spec)),
        })),
        ["loss"] = spec.Loss.Op.Keyword,
        ["reduction"] = spec.Loss.Reduction.ToString().ToLowerInvariant(),
    };
}
