namespace Parity.Spec;

/// <summary>
/// <c>--max-memory</c>: the most memory a spec's run may be estimated to need (<see cref="MemoryEstimate"/>)
/// for specs loaded on this flow of control, besides the machine's available memory; none by default.
/// Runs side by side in one process (the tests) keep their own.
/// </summary>
public static class MaxMemory
{
    static readonly AsyncLocal<long?> Current = new();

    public static long? Bytes => Current.Value;

    /// <summary>Until disposed, specs loaded now are held to <paramref name="bytes"/>.</summary>
    public static IDisposable Use(long? bytes)
    {
        var previous = Current.Value;
        Current.Value = bytes;
        return new Restore(previous);
    }

    sealed class Restore(long? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
