namespace Parity.Torch.Modules;

/// <summary>A libtorch learning-rate scheduler bound to an optimizer, made by <see cref="torch.optim.lr_scheduler"/>.</summary>
public sealed class LRScheduler : IDisposable
{
    readonly SGD _optimizer;

    internal LRScheduler(NativeHandle handle, SGD optimizer) => (Handle, _optimizer) = (handle, optimizer);

    internal NativeHandle Handle { get; }

    public void step()
    {
        Native.pt_scheduler_step(Handle);
        Native.Check();
    }

    public void Dispose()
    {
        Handle.Dispose();
        GC.KeepAlive(_optimizer);
    }
}
