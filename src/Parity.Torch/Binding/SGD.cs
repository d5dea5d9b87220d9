namespace Parity.Torch.Modules;

/// <summary>libtorch's torch::optim::SGD, made by <see cref="torch.optim.SGD"/>.</summary>
public sealed class SGD : IDisposable
{
    // The native optimizer refers to these tensors; holding them keeps their handles from being finalized first.
    readonly IReadOnlyList<Tensor> _parameters;

    internal SGD(NativeHandle handle, IReadOnlyList<Tensor> parameters) => (Handle, _parameters) = (handle, parameters);

    internal NativeHandle Handle { get; }

    public double lr => Native.Check(Native.pt_sgd_get_lr(Handle));

    public void zero_grad()
    {
        Native.pt_sgd_zero_grad(Handle);
        Native.Check();
    }

    public void step()
    {
        Native.pt_sgd_step(Handle);
        Native.Check();
    }

    public void Dispose()
    {
        Handle.Dispose();
        GC.KeepAlive(_parameters);
    }
}
