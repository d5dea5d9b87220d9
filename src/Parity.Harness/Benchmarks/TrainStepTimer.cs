using System.Diagnostics;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// For an engine that can neither be timed phase by phase nor time itself: whole training steps on
/// the batch, timed from Parity, each including the handing over of the batch.
/// </summary>
public sealed class TrainStepTimer(IBackend backend, Batch batch) : IStepTimer
{
    public IBackend Backend => backend;

    public TimingSource Source => TimingSource.TrainStep;

    public double? AllocBytesPerStep => null;

    public void Run(Span<double> forward, Span<double> backward, Span<double> step, Span<double> trainStep)
    {
        forward.Fill(double.NaN);
        backward.Fill(double.NaN);
        step.Fill(double.NaN);
        for (var i = 0; i < trainStep.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            backend.TrainStep(batch);
            trainStep[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
    }

    public void WarmUp(int steps)
    {
        for (var i = 0; i < steps; i++)
            backend.TrainStep(batch);
    }
}
