using System.Runtime.InteropServices;

namespace Parity.Torch;

/// <summary>
/// Owns one native object of the shim (a tensor, an optimizer, a scheduler) and frees it exactly once; using
/// it after Dispose raises ObjectDisposedException before any native call is made.
/// </summary>
internal sealed class NativeHandle : SafeHandle
{
    readonly Action<IntPtr>? _release;

    // The parameterless constructor is what the marshaller needs for a handle passed by value.
    public NativeHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public NativeHandle(IntPtr handle, Action<IntPtr> release) : base(IntPtr.Zero, ownsHandle: true)
    {
        _release = release;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        _release?.Invoke(handle);
        return Native.pt_last_error() == IntPtr.Zero;
    }
}
