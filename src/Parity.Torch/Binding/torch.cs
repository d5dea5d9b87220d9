namespace Parity.Torch;

/// <summary>The binding's entry point, shaped as TorchSharp's <c>torch</c> static class.</summary>
public static partial class torch
{
    /// <summary>A tensor of <paramref name="dtype"/> from float64 values, row-major.</summary>
    public static unsafe Tensor tensor(ReadOnlySpan<double> values, long[] shape, ScalarType dtype = ScalarType.Float64, bool requires_grad = false)
    {
        fixed (double* data = values)
        fixed (long* dims = shape)
        {
            if (values.Length != shape.Aggregate(1L, (a, b) => a * b))
                throw new TorchException($"{values.Length} values do not fill a tensor of shape [{string.Join(", ", shape)}]");
            return new Tensor(Native.pt_tensor_from_doubles(data, dims, shape.Length, (int)dtype, requires_grad ? 1 : 0));
        }
    }

    /// <summary>An int64 tensor (class indices).</summary>
    public static unsafe Tensor tensor(ReadOnlySpan<long> values, long[] shape)
    {
        fixed (long* data = values)
        fixed (long* dims = shape)
        {
            if (values.Length != shape.Aggregate(1L, (a, b) => a * b))
                throw new TorchException($"{values.Length} values do not fill a tensor of shape [{string.Join(", ", shape)}]");
            return new Tensor(Native.pt_tensor_from_int64(data, dims, shape.Length));
        }
    }

    public static void manual_seed(long seed)
    {
        Native.pt_manual_seed(seed);
        Native.Check();
    }

    public static void set_num_threads(int threads)
    {
        Native.pt_set_num_threads(threads);
        Native.Check();
    }

    public static int get_num_threads() => Native.Check(Native.pt_get_num_threads());

    /// <summary>Tensors alive on the native side (created and not yet disposed or finalized).</summary>
    public static long live_tensors() => Native.Check(Native.pt_live_tensors());

    public static bool is_grad_enabled() => Native.Check(Native.pt_is_grad_enabled()) != 0;

    /// <summary>
    /// A scope with autograd off on this thread, as <c>using (torch.no_grad())</c> in TorchSharp; its end
    /// restores the mode it found, so that an inner scope does not turn autograd back on inside an outer one.
    /// </summary>
    public static IDisposable no_grad()
    {
        var scope = new GradScope(is_grad_enabled());
        Native.pt_set_grad_enabled(0);
        Native.Check();
        return scope;
    }

    sealed class GradScope(bool enabledBefore) : IDisposable
    {
        public void Dispose() => Native.pt_set_grad_enabled(enabledBefore ? 1 : 0);
    }
}
