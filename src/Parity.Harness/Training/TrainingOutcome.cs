using Parity.Harness.Statistics;
using Parity.Spec;

namespace Parity.Harness.Training;

/// <summary>
/// A spec's training judged: each side's epochs (<see cref="Runs"/>, keyed by <see cref="Sides"/>, in the order the
/// figures show them), the verdict in one sentence and every failure; and what the run was — one lockstep run, a grid
/// of them, K seeds, one side alone — with its teacher-forced run when one was taken, and that run's verdict in the
/// words of the whole evaluation (<see cref="ForcingVerdict"/>). It passes with no failure.
/// </summary>
public sealed record TrainingOutcome(
    ParitySpec Spec,
    string Verdict,
    IReadOnlyList<string> Failures,
    IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> Runs,
    LockstepResult? Lockstep = null,
    GridOutcome? Grid = null,
    SeedsOutcome? Seeds = null,
    NonFinite? NonFinite = null,
    TeacherForcingResult? TeacherForcing = null,
    string? ForcingVerdict = null)
{
    public bool Passed => Failures.Count == 0;
}

/// <summary>A grid study judged: each setting's verdict, and whether both engines pick the same setting.</summary>
public sealed record GridOutcome(GridResult Result, IReadOnlyList<string> Verdicts)
{
    public bool Agree => Result.SameWinner;
}

/// <summary>K seeds judged: the variants run, their lockstep runs, and the equivalence (TOST) of the final test figures.</summary>
public sealed record SeedsOutcome(IReadOnlyList<ParitySpec> Variants, IReadOnlyList<LockstepResult> Results, MetricStudy? TestAccuracy, MetricStudy TestLoss)
{
    /// <summary>The metrics studied, named as tables and verdicts name them.</summary>
    public IEnumerable<(string Name, MetricStudy Study)> Studies =>
        TestAccuracy is { } accuracy ? [("test accuracy", accuracy), ("test loss", TestLoss)] : [("test loss", TestLoss)];
}

/// <summary>One final figure over K seeds: each engine's spread, and whether the engines are shown equivalent.</summary>
public sealed record MetricStudy(Summary Engine, Summary Twin, Equivalence Equivalence);
