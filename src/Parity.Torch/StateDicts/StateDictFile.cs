using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Parity.Torch.StateDicts;

/// <summary>
/// A state_dict on disk as PyTorch writes it — <c>torch.save(model.state_dict(), "model.pt")</c>, or
/// safetensors' <c>save_file</c> — read by TorchSharp.PyBridge into host tensors, each with its stored
/// dtype (safetensors' names: F32, F64, I64, …), in the file's order. Nothing is checked against a model here.
/// </summary>
public static class StateDictFile
{
    public static IReadOnlyList<(HostTensor Tensor, string DType)> Read(string path)
    {
        using var scope = NewDisposeScope();
        var tensors = IsSafetensors(path)
            ? Safetensors.LoadStateDict(path).Select(pair => (pair.Key, pair.Value))
            : PyTorchUnpickler.UnpickleStateDict(path).Cast<DictionaryEntry>().Select(entry => ((string)entry.Key, (Tensor)entry.Value!));
        return [.. tensors.Select(named => (ToHost(named.Item1, named.Item2), DTypeName(named.Item2.dtype)))];
    }

    /// <summary>A safetensors file starts with its header's length (8 bytes, little-endian) and then the header's '{'; a torch.save file is a zip archive.</summary>
    static bool IsSafetensors(string path)
    {
        using var file = File.OpenRead(path);
        var start = new byte[9];
        return file.Read(start) == 9 && start[8] == (byte)'{';
    }

    static HostTensor ToHost(string name, Tensor tensor) =>
        new(name, [.. tensor.shape.Select(d => (int)d)], tensor.to_type(ScalarType.Float64).contiguous().data<double>().ToArray());

    static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        var other => other.ToString(),
    };
}
