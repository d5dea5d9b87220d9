namespace Parity.Contract;

/// <summary>
/// Optional, for benchmarks: an engine that times its own training steps phase by phase. For an engine
/// Parity cannot time from outside without also timing the way there and back — one in another
/// process — so that its figures are its computation's alone.
/// </summary>
public interface IEngineTiming
{
    /// <summary>
    /// Takes <paramref name="repetitions"/> training steps on <paramref name="batch"/> (each zero grad,
    /// forward and loss, backward, step), timing each phase itself; null when the engine cannot.
    /// </summary>
    PhaseSeconds? TimePhases(Batch batch, int repetitions);
}
