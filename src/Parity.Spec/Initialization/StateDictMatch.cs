using System.Globalization;

namespace Parity.Spec.Initialization;

/// <summary>
/// The tensors of an <c>init: {from: PATH}</c> file matched to the model's parameters and buffers, as
/// <c>load_state_dict(strict=True)</c> matches them: every name of the model is in the file and nothing
/// else is, each with the model's shape and the spec's dtype (F32 for float32, F64 for float64; the
/// integer <c>num_batches_tracked</c> as I64), every value finite. Each mismatch is one error naming the tensor.
/// </summary>
public static class StateDictMatch
{
    const int NamesShown = 8;

    public static IReadOnlyList<HostTensor> Match(ModelDescription model, IReadOnlyList<(HostTensor Tensor, string DType)> file, string path)
    {
        var stored = file.ToDictionary(t => t.Tensor.Name);
        var wanted = model.Parameters.ToDictionary(p => p.Name);
        if (file.FirstOrDefault(t => !wanted.ContainsKey(t.Tensor.Name)) is { Tensor: { } extra })
            throw Mismatch(path, $"tensor '{extra.Name}' is in the file but not in the model, whose tensors are {Names(model.Parameters.Select(p => p.Name))}; save the state_dict of the model the spec describes (nn.Sequential of its layers, in order)");
        return [.. model.Parameters.Select(parameter =>
        {
            if (!stored.TryGetValue(parameter.Name, out var found))
                throw Mismatch(path, $"the model's tensor '{parameter.Name}' {Shape(parameter.Shape)} is not in the file, whose tensors are {Names(file.Select(t => t.Tensor.Name).Order(StringComparer.Ordinal))}");
            if (!found.Tensor.Shape.SequenceEqual(parameter.Shape))
                throw Mismatch(path, $"tensor '{parameter.Name}' is {found.Tensor.ShapeText} in the file, but {Shape(parameter.Shape)} in the model; check the layer's sizes in the spec");
            var dtype = DType(model, parameter.Name);
            if (found.DType != dtype)
                throw Mismatch(path, $"tensor '{parameter.Name}' is {found.DType} in the file, but the spec's dtype is {model.DType} ({dtype}); save the model after .{(model.IsFloat32 ? "float" : "double")}(), or change the spec's dtype");
            var notFinite = Array.FindIndex(found.Tensor.Data, v => !double.IsFinite(v));
            if (notFinite >= 0)
                throw Mismatch(path, $"tensor '{parameter.Name}' holds {found.Tensor.Data[notFinite].ToString(CultureInfo.InvariantCulture)} at flat index {notFinite}; initial weights must be finite numbers, so save them from a model that has not diverged");
            return found.Tensor;
        })];
    }

    /// <summary>The safetensors dtype a tensor of the model is stored in: the spec's float type, and I64 for the integer num_batches_tracked, as PyTorch saves it.</summary>
    public static string DType(ModelDescription model, string name) =>
        name.EndsWith(".num_batches_tracked", StringComparison.Ordinal) ? "I64" : model.IsFloat32 ? "F32" : "F64";

    static InputException Mismatch(string path, string what) => new($"init.from {path}: {what}");

    static string Shape(int[] shape) => $"[{string.Join(", ", shape)}]";

    static string Names(IEnumerable<string> names)
    {
        var all = names.ToList();
        var shown = string.Join(", ", all.Take(NamesShown));
        return all.Count > NamesShown ? $"{shown}, … ({all.Count} in all)" : shown;
    }
}
