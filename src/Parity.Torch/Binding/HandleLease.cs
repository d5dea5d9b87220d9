namespace Parity.Torch;

/// <summary>
/// Raw pointers of several handles for one native call (a parameter list, an optional bias), each
/// kept alive until the lease is disposed; a disposed one raises ObjectDisposedException up front.
/// </summary>
internal sealed class HandleLease : IDisposable
{
    readonly NativeHandle?[] _handles;
    readonly bool[] _added;

    public HandleLease(IEnumerable<Tensor?> tensors)
    {
        _handles = tensors.Select(t => t?.Handle).ToArray();
        _added = new bool[_handles.Length];
        Pointers = new IntPtr[_handles.Length];
        try
        {
            for (var i = 0; i < _handles.Length; i++)
            {
                _handles[i]?.DangerousAddRef(ref _added[i]);
                Pointers[i] = _handles[i]?.DangerousGetHandle() ?? IntPtr.Zero;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IntPtr[] Pointers { get; }

    public void Dispose()
    {
        for (var i = 0; i < _handles.Length; i++)
            if (_added[i])
            {
                _handles[i]!.DangerousRelease();
                _added[i] = false;
            }
    }
}
