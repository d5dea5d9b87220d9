using System.Runtime;
using System.Runtime.ExceptionServices;
using Parity.Harness.Benchmarks;

namespace Parity.Harness.Concurrency;

/// <summary>
/// The same call made on two backends at the same time (<see cref="StepThreads.AtOnce"/>): a training step, the
/// evaluation of one chunk of a split, or one numerical derivative of the check. The first's call runs on a thread of its own, the second's on the calling
/// thread, which keeps the reference's TorchSharp on the thread that made it (libtorch's grad mode and thread count,
/// TorchSharp's dispose scopes are the thread's own). No garbage collection happens meanwhile: a collection that
/// either thread's allocation starts may free a native scalar TorchSharp made for a call still running on the other
/// (TorchRuntime.Gate's remarks), where on one thread no collection happens inside a native call.
/// </summary>
/// <remarks>
/// A call is made at once only when the one before it was the same call on as many rows and the two sides together
/// allocated no more than half the budget in it. Anything else is made in turn and measured: the first call of a run
/// (whose first calls on a new thread make that thread's buffers), and the first after a change of call or of rows —
/// an engine remakes its layers' buffers for a new row count, which for a CNN is some 20 MB, and a step taken at once
/// after an epoch's evaluation lost its region that way. Memory too short for the budget, or another call at once in
/// the process, makes the call in turn too.
/// </remarks>
public sealed class AtOnceCalls : IDisposable
{
    /// <summary>
    /// The managed bytes both backends may allocate in a call made at once: a twin's step allocates about 11 KB, an
    /// engine in another process the text of a batch, an evaluation its outputs as doubles.
    /// </summary>
    public const long AllocationBudget = 16L << 20;

    // A region without collections is the process's: one call at once at a time (a test host runs trainers side by side).
    static readonly object Region = new();

    readonly Thread _thread;
    readonly SemaphoreSlim _started = new(0), _finished = new(0);
    Action? _work;
    ExceptionDispatchInfo? _failure;
    bool _disposed;

    // The last call made, and whether it fitted: the next one like it is made at once.
    (string Call, int Rows) _last;
    bool _lastFitted;

    public AtOnceCalls()
    {
        // A thread of its own rather than the pool's: a pool task not yet started when the second call ends is run
        // inline by the wait, on the calling thread.
        _thread = new Thread(Run) { IsBackground = true, Name = "Parity: the first backend's calls" };
        _thread.Start();
    }

    /// <summary><paramref name="work"/> on both backends, named <paramref name="call"/> on <paramref name="rows"/> rows: the first's result, then the second's.</summary>
    public T[] Call<T>(IBackend first, IBackend second, string call, int rows, Func<IBackend, T> work)
    {
        var like = _last == (call, rows) && _lastFitted;
        _last = (call, rows);
        if (!like || !Monitor.TryEnter(Region))
            return InTurn(first, second, work);
        try
        {
            if (!GC.TryStartNoGCRegion(AllocationBudget))
                return InTurn(first, second, work);
            try
            {
                var firstResult = default(T)!;
                Start(() => firstResult = work(first));
                // The first finishes before anything is thrown on, so that no backend is called again while it still runs;
                // its failure (the engine's) is the one told when both fail.
                (T Result, ExceptionDispatchInfo? Failure) secondCall;
                try
                {
                    secondCall = (work(second), null);
                }
                catch (Exception e)
                {
                    secondCall = (default!, ExceptionDispatchInfo.Capture(e));
                }
                Finish();
                secondCall.Failure?.Throw();
                return [firstResult, secondCall.Result];
            }
            finally
            {
                _lastFitted = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
                if (_lastFitted)
                    GC.EndNoGCRegion();
            }
        }
        finally
        {
            Monitor.Exit(Region);
        }
    }

    /// <summary>The first's call on its thread, then the second's here, with what the two allocated measured.</summary>
    T[] InTurn<T>(IBackend first, IBackend second, Func<IBackend, T> work)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var firstResult = default(T)!;
        Start(() => firstResult = work(first));
        Finish();
        var secondResult = work(second);
        _lastFitted = GC.GetTotalAllocatedBytes() - allocated <= AllocationBudget / 2;
        return [firstResult, secondResult];
    }

    void Start(Action work)
    {
        _work = work;
        _started.Release();
    }

    void Finish()
    {
        _finished.Wait();
        _failure?.Throw();
    }

    void Run()
    {
        while (true)
        {
            _started.Wait();
            if (_disposed)
                return;
            try
            {
                _work!();
                _failure = null;
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            _finished.Release();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _started.Release();
        _thread.Join();
        _started.Dispose();
        _finished.Dispose();
    }
}
