namespace Parity.Harness;

/// <summary>
/// Runs the backends' parts of a comparison at once, one thread each. Their parts are independent
/// (separate backends, separate copies of everything they read), and one alone leaves a core idle
/// much of the time: an evaluation or a finite-difference probe of the engine runs on one core, and
/// libtorch's small ops do not keep two busy. No part reads another's result, so what comes out is
/// what a run one after the other gives, only sooner.
/// </summary>
public static class SideBySide
{
    /// <summary><paramref name="part"/> of each item, in order; the first item's exception, or else the next one's, rethrown as it was thrown once every part is done.</summary>
    public static TResult[] Each<TItem, TResult>(IReadOnlyList<TItem> items, Func<TItem, TResult> part)
    {
        var others = items.Skip(1).Select(item => Task.Factory.StartNew(() => part(item), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        TResult first;
        try
        {
            first = part(items[0]);
        }
        finally
        {
            // Every part still runs on its backend: it finishes before the caller may dispose of one.
            foreach (var other in others)
                ((IAsyncResult)other).AsyncWaitHandle.WaitOne();
        }
        return [first, .. others.Select(other => other.GetAwaiter().GetResult())];
    }
}
