using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>Tensors across the contract: host float64 arrays in, TorchSharp tensors of the model's dtype out, and back.</summary>
public static class HostTensors
{
    /// <summary>A new tensor of <paramref name="dtype"/> holding <paramref name="data"/> (float64 rounded once, as the engine rounds).</summary>
    public static Tensor ToTorch(double[] data, long[] shape, ScalarType dtype)
    {
        // TorchSharp makes intermediate tensors on the way; the scope disposes them, the result moves out.
        using var scope = NewDisposeScope();
        // torch.tensor keeps a pinned managed copy of the array, aligned wherever the GC put it, and
        // libtorch's vectorised kernels round differently with the alignment: the result is copied into
        // libtorch's own (aligned) memory, so that the same inputs give the same results in every run.
        var values = tensor(data, shape, ScalarType.Float64);
        return (dtype == ScalarType.Float64 ? values.clone() : values.to_type(dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>A tensor's values in float64, row-major (a float32 value converts exactly).</summary>
    public static double[] ToHost(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
    }

    public static HostTensor ToHost(string name, Tensor tensor) => new(name, Shape(tensor), ToHost(tensor));

    public static int[] Shape(Tensor tensor) => tensor.shape.Select(d => (int)d).ToArray();
}
