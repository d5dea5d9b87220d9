namespace Parity.Harness.Benchmarks;

/// <summary>Where a backend's step times come from.</summary>
public enum TimingSource
{
    /// <summary>Each phase timed in Parity's process around the engine's own call (<see cref="IPhasedBackend"/>).</summary>
    Phases,

    /// <summary>The engine timed its phases itself and reported them (<see cref="IEngineTiming"/>).</summary>
    Engine,

    /// <summary>Whole training steps timed from Parity, each including the handing over of the batch — for an engine in another process, the protocol's encoding and pipe.</summary>
    TrainStep,
}
