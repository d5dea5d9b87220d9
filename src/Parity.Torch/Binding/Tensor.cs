using System.Numerics;

namespace Parity.Torch;

/// <summary>
/// A libtorch tensor owned by a SafeHandle: Dispose frees it at once, the finalizer otherwise.
/// Members are named as TorchSharp's so that a TorchSharp-backed twin is a mechanical substitution.
/// </summary>
public sealed class Tensor : IDisposable
{
    internal Tensor(IntPtr handle)
    {
        Native.Check();
        Handle = new NativeHandle(handle, Native.pt_tensor_dispose);
    }

    internal NativeHandle Handle { get; }

    public ScalarType dtype => (ScalarType)Native.Check(Native.pt_tensor_dtype(Handle));

    public long[] shape
    {
        get
        {
            var dims = Native.Check(Native.pt_tensor_ndim(Handle));
            return Enumerable.Range(0, dims).Select(d => Native.Check(Native.pt_tensor_size(Handle, d))).ToArray();
        }
    }

    public long numel() => Native.Check(Native.pt_tensor_numel(Handle));

    /// <summary>The accumulated gradient, or null before any backward (a new handle: dispose it).</summary>
    public Tensor? grad => Native.Check(Native.pt_tensor_grad(Handle)) is var pointer && pointer != IntPtr.Zero ? new Tensor(pointer) : null;

    public void backward()
    {
        Native.pt_tensor_backward(Handle);
        Native.Check();
    }

    /// <summary>Keeps the gradient of this non-leaf tensor after backward, so <see cref="grad"/> can read it.</summary>
    public void retain_grad()
    {
        Native.pt_tensor_retain_grad(Handle);
        Native.Check();
    }

    /// <summary>A copy outside the autograd graph.</summary>
    public Tensor detach() => new(Native.pt_tensor_detach(Handle));

    public T item<T>() where T : INumberBase<T> => T.CreateChecked(Native.Check(Native.pt_tensor_item(Handle)));

    /// <summary>The values, row-major, converted to T (through float64, exact for float32 and float64 tensors).</summary>
    public unsafe T[] data<T>() where T : INumberBase<T>
    {
        var values = new double[numel()];
        fixed (double* buffer = values)
            Native.pt_tensor_to_doubles(Handle, buffer, values.Length);
        Native.Check();
        return typeof(T) == typeof(double) ? (T[])(object)values : values.Select(T.CreateChecked).ToArray();
    }

    /// <summary>Overwrites the values in place, outside autograd (as <c>with torch.no_grad(): t.copy_(…)</c>).</summary>
    public unsafe void copy_(ReadOnlySpan<double> values)
    {
        fixed (double* data = values)
            Native.pt_tensor_copy_from_doubles(Handle, data, values.Length);
        Native.Check();
    }

    public void Dispose() => Handle.Dispose();
}
