namespace Parity.Harness.Benchmarks;

/// <summary>An engine that times its own phases (in another process, where Parity's clock would also time the way there and back): its figures, asked for a round at a time.</summary>
public sealed class EngineStepTimer(IBackend backend, IEngineTiming timing, Batch batch) : IStepTimer
{
    public IBackend Backend => backend;

    public TimingSource Source => TimingSource.Engine;

    public double? AllocBytesPerStep => null;

    public void Run(Span<double> forward, Span<double> backward, Span<double> step, Span<double> trainStep)
    {
        var seconds = Timed(trainStep.Length);
        for (var i = 0; i < trainStep.Length; i++)
        {
            (forward[i], backward[i], step[i]) = (1000 * seconds.Forward[i], 1000 * seconds.Backward[i], 1000 * seconds.Step[i]);
            trainStep[i] = forward[i] + backward[i] + step[i];
        }
    }

    public void WarmUp(int steps) => Timed(steps);

    PhaseSeconds Timed(int steps) => timing.TimePhases(batch, steps)
        ?? throw new InvalidOperationException($"engine '{backend.Name}' timed its phases, then declined to");
}
