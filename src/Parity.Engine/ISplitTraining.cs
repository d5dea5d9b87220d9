namespace Parity.Engine;

/// <summary>
/// What the engine's training step did with its threads (<see cref="RowSplit{T}"/>), whatever its dtype: how tests and
/// benchmarks see the split without naming <see cref="EngineBackend{T}"/>'s type argument.
/// </summary>
public interface ISplitTraining
{
    /// <summary>How many parts the loaded batch's training step is split into across threads (1: the calling thread alone).</summary>
    int LoadedParts { get; }

    /// <summary>Bytes the engine's threads other than the caller's have allocated so far (0 with no split).</summary>
    long AllocatedOnOtherThreads { get; }
}
