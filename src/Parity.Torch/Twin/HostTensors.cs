using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Parity.Torch.Twin;

/// <summary>Tensors across the contract: host float64 arrays in, TorchSharp tensors of the model's dtype out, and back.</summary>
public static class HostTensors
{
    /// <summary>A new tensor of <paramref name="dtype"/> holding <paramref name="data"/> (float64 rounded once, as the engine rounds).</summary>
    public static Tensor ToTorch(double[] data, long[] shape, ScalarType dtype)
    {
        // Copied straight into libtorch's own (aligned) memory. torch.tensor would keep a pinned managed
        // copy, aligned wherever the GC put it, and libtorch's vectorised kernels round differently with
        // the alignment: the same inputs would not give the same results from one call to the next.
        if (data.Length != shape.Aggregate(1L, (n, d) => n * d))
            throw new ArgumentException($"mismatched total size creating a tensor: {data.Length} values for [{string.Join(", ", shape)}]");
        var values = empty(shape, dtype);
        if (dtype == ScalarType.Float64)
            data.CopyTo(MemoryMarshal.Cast<byte, double>(values.bytes));
        else
            TensorPrimitives.ConvertTruncating<double, float>(data, MemoryMarshal.Cast<byte, float>(values.bytes));
        return values;
    }

    /// <summary>Token ids, whole numbers in float64, as the int64 tensor F.embedding takes.</summary>
    public static Tensor Tokens(double[] ids, long[] shape)
    {
        var values = new long[ids.Length];
        for (var i = 0; i < ids.Length; i++)
            values[i] = (long)ids[i] == ids[i] ? (long)ids[i] : throw new ArgumentException($"token id {ids[i]:R} at {i} is not a whole number");
        return tensor(values, shape, ScalarType.Int64);
    }

    /// <summary>A buffer as PyTorch holds it: in the model's dtype, but nn.BatchNorm's num_batches_tracked an int64 counter (its values cross the contract in float64, exactly).</summary>
    public static Tensor Buffer(string name, double[] data, long[] shape, ScalarType dtype)
    {
        var values = ToTorch(data, shape, dtype);
        return name.EndsWith(".num_batches_tracked", StringComparison.Ordinal) ? values.to_type(ScalarType.Int64) : values;
    }

    /// <summary>A tensor's values in float64, row-major (a float32 value converts exactly).</summary>
    public static double[] ToHost(Tensor tensor)
    {
        var values = new double[tensor.numel()];
        CopyTo(tensor, values);
        return values;
    }

    /// <summary>The values of <paramref name="tensor"/> as float64 into <paramref name="values"/>, which must hold them all.</summary>
    public static void CopyTo(Tensor tensor, double[] values)
    {
        if (values.Length != tensor.numel())
            throw new ArgumentException($"a tensor of {tensor.numel()} values does not fit {values.Length}");
        using var scope = NewDisposeScope();
        var dense = tensor.detach().contiguous();
        // Read in place from libtorch's memory: a lockstep step reads every parameter of both models,
        // and an element-wise accessor or a float64 copy made by libtorch cost more than the step's own
        // update on a CNN. Other dtypes (batch norm's int64 counter) go through libtorch's conversion.
        switch (dense.dtype)
        {
            case ScalarType.Float64:
                MemoryMarshal.Cast<byte, double>(dense.bytes).CopyTo(values);
                break;
            case ScalarType.Float32:
                TensorPrimitives.ConvertTruncating<float, double>(MemoryMarshal.Cast<byte, float>(dense.bytes), values);
                break;
            default:
                dense.to_type(ScalarType.Float64).data<double>().CopyTo(values);
                break;
        }
    }

    public static HostTensor ToHost(string name, Tensor tensor) => new(name, Shape(tensor), ToHost(tensor));

    public static int[] Shape(Tensor tensor) => tensor.shape.Select(d => (int)d).ToArray();
}
