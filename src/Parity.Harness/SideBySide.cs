using System.Runtime.ExceptionServices;

namespace Parity.Harness;

/// <summary>
/// Runs the backends' parts of a comparison at once, one thread each. Their parts are independent
/// (separate backends, separate copies of everything they read), and one alone leaves a core idle
/// much of the time: an evaluation or a finite-difference probe of the engine runs on one core, and
/// libtorch's small ops do not keep two busy. No part reads another's result, so what comes out is
/// what a run one after the other gives, only sooner. The last item's part — the reference's, as the
/// harness orders its backends — stays on the calling thread, the thread its TorchSharp twin was made
/// and trained on: twins evaluated on other threads twice failed inside libtorch ("Expected false to
/// be true") in a few hundred runs, which nothing in TorchSharp's documentation rules out.
/// </summary>
public static class SideBySide
{
    /// <summary><paramref name="part"/> of each item, in order; once every part is done, the exception of the first item whose part threw, as it was thrown.</summary>
    public static TResult[] Each<TItem, TResult>(IReadOnlyList<TItem> items, Func<TItem, TResult> part)
    {
        var others = items.Take(items.Count - 1)
            .Select(item => Task.Factory.StartNew(() => part(item), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        TResult last = default!;
        ExceptionDispatchInfo? lastFailure = null;
        try
        {
            last = part(items[^1]);
        }
        catch (Exception e)
        {
            lastFailure = ExceptionDispatchInfo.Capture(e);
        }
        // Every part still runs on its backend: it finishes before the caller may dispose of one.
        foreach (var other in others)
            ((IAsyncResult)other).AsyncWaitHandle.WaitOne();
        var results = others.Select(other => other.GetAwaiter().GetResult()).ToList();
        lastFailure?.Throw();
        return [.. results, last];
    }
}
