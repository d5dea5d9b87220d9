using System.Runtime;
using System.Runtime.ExceptionServices;
using Parity.Harness.Benchmarks;

namespace Parity.Harness.Training;

/// <summary>
/// Two backends' training steps taken at the same time (<see cref="StepThreads.AtOnce"/>): the first's on a thread of
/// its own, the second's on the calling thread, which keeps the reference's TorchSharp on the thread that made it
/// (libtorch's grad mode and thread count, TorchSharp's dispose scopes are the thread's own). No garbage collection
/// happens meanwhile: a collection that either thread's allocation starts may free a native scalar TorchSharp made
/// for a call still running on the other (TorchRuntime.Gate's remarks), where on one thread no collection happens
/// inside a native call. A step that cannot be kept from collecting (memory too short for the budget, another step at
/// once in the process) is taken in turn, and so is the step after one of the first's that allocated past the budget.
/// </summary>
public sealed class AtOnceSteps : IDisposable
{
    /// <summary>
    /// The managed bytes both backends may allocate in a step taken at once: a twin's step allocates about 11 KB, an
    /// engine in another process the text of a batch.
    /// </summary>
    public const long AllocationBudget = 16L << 20;

    // A region without collections is the process's: one step at once at a time (a test host runs trainers side by side).
    static readonly object Region = new();

    readonly Thread _thread;
    readonly SemaphoreSlim _started = new(0), _finished = new(0);
    (IBackend Backend, Batch Batch) _work;
    double _loss;
    ExceptionDispatchInfo? _failure;
    bool _fits, _disposed;

    public AtOnceSteps()
    {
        // A thread of its own rather than the pool's: a pool task not yet started when the second step ends is run
        // inline by the wait, on the calling thread.
        _thread = new Thread(Run) { IsBackground = true, Name = "Parity: the first backend's steps" };
        _thread.Start();
    }

    public double[] Step(IBackend first, IBackend second, Batch batch)
    {
        if (!_fits || !Monitor.TryEnter(Region))
            return InTurn(first, second, batch);
        try
        {
            if (!GC.TryStartNoGCRegion(AllocationBudget))
                return InTurn(first, second, batch);
            try
            {
                Start(first, batch);
                // The first finishes before anything is thrown on, so that no backend is called again while it still runs;
                // its failure (the engine's) is the one told when both fail.
                (double Loss, ExceptionDispatchInfo? Failure) secondStep;
                try
                {
                    secondStep = (second.TrainStep(batch), null);
                }
                catch (Exception e)
                {
                    secondStep = (0, ExceptionDispatchInfo.Capture(e));
                }
                var firstLoss = Finish();
                secondStep.Failure?.Throw();
                return [firstLoss, secondStep.Loss];
            }
            finally
            {
                if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                    GC.EndNoGCRegion();
                else
                    _fits = false;
            }
        }
        finally
        {
            Monitor.Exit(Region);
        }
    }

    /// <summary>
    /// The first's step on its thread, then the second's here: the first step of a run (whose first calls on a new thread
    /// make that thread's buffers), and each step after one that allocated past the budget. The next step is taken at once
    /// again if the first's fitted half the budget.
    /// </summary>
    double[] InTurn(IBackend first, IBackend second, Batch batch)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        Start(first, batch);
        var firstLoss = Finish();
        _fits = GC.GetTotalAllocatedBytes() - allocated <= AllocationBudget / 2;
        return [firstLoss, second.TrainStep(batch)];
    }

    void Start(IBackend backend, Batch batch)
    {
        _work = (backend, batch);
        _started.Release();
    }

    double Finish()
    {
        _finished.Wait();
        _failure?.Throw();
        return _loss;
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
                (_loss, _failure) = (_work.Backend.TrainStep(_work.Batch), null);
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
