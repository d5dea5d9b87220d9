namespace Parity.Harness.Benchmarks;

/// <summary>
/// Runs a backend's training steps on one batch and times them, the best way the backend allows:
/// phase by phase in this process (<see cref="IPhasedBackend"/>), by the engine's own clock
/// (<see cref="IEngineTiming"/>), or else whole training steps.
/// </summary>
public interface IStepTimer
{
    IBackend Backend { get; }

    TimingSource Source { get; }

    /// <summary>The managed bytes allocated per step inside the backend's calls (this thread's counter); null where that says nothing of the engine.</summary>
    double? AllocBytesPerStep { get; }

    /// <summary>Takes as many steps as the spans are long; writes each one's forward, backward and step milliseconds (NaN where not timed apart) and its whole time.</summary>
    void Run(Span<double> forward, Span<double> backward, Span<double> step, Span<double> trainStep);

    /// <summary>Steps not recorded: the JIT, caches, allocators and thread pools settle.</summary>
    void WarmUp(int steps);

    /// <summary>The timer for <paramref name="backend"/> on <paramref name="batch"/>; an engine that can time its own phases is asked once here.</summary>
    static IStepTimer For(IBackend backend, Batch batch) => backend switch
    {
        IPhasedBackend phased => new PhasedStepTimer(phased, batch),
        IEngineTiming timing when timing.TimePhases(batch, 1) is not null => new EngineStepTimer(backend, timing, batch),
        _ => new TrainStepTimer(backend, batch),
    };
}
