using Parity.Cli.Output;

namespace Parity.Cli.Reports;

/// <summary>
/// Everything a report shows for one spec (result.json): the engine under test and the reference by
/// name, the check, the lockstep training, their verdict, and last the runtime — the only timings,
/// kept last so that comparisons can set them aside.
/// </summary>
public sealed record SpecResult(string Spec, string Description, string Engine, string Reference, bool Passed, CheckSpecReport Check, TrainSpecReport Train, BenchSpecReport Bench)
{
    /// <summary>The figures a reader looks at first, for the index.</summary>
    public double MaxGradientRelErr => Check.Parameters.Select(p => p.MaxRelErr).Append(Check.InputGradient.MaxRelErr).Max();

    public EpochFigure Last => new(Train.Epochs[^1].Engine, Train.Epochs[^1].Twin);

    /// <summary>For a failing check, the smallest spec that fails it the same way, written beside the report; null otherwise.</summary>
    public ReproductionSummary? Reproduction { get; init; }
}

/// <summary>Where a failing report's minimal reproduction is (relative to the report), how much smaller it is, and what was taken out.</summary>
public sealed record ReproductionSummary(string Folder, Harness.Shrinking.SpecSize Before, Harness.Shrinking.SpecSize After, IReadOnlyList<string> Removed);

public sealed record EpochFigure(Harness.Training.EpochMetrics? Engine, Harness.Training.EpochMetrics? Twin);
