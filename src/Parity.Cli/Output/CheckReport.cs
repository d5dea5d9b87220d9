using Parity.Harness;
using Parity.Harness.Checks;
using Parity.Harness.Comparison;

namespace Parity.Cli.Output;

/// <summary>The <c>parity check --json</c> document (docs/commands.md gives its fields): the engine under test and the reference by name, the part of the set of specs it holds (<c>--shard</c>), and each spec's figures.</summary>
public sealed record CheckReport(bool Passed, string Engine, string Reference, Sharding.ShardRecord Shard, IReadOnlyList<CheckSpecReport> Specs);

/// <summary>One spec's check; <see cref="GradientsPassed"/> is gradient parity's verdict: layer outputs, loss, gradients, buffers and evaluation all agree.</summary>
public sealed record CheckSpecReport(
    string Spec,
    string Dtype,
    bool Passed,
    bool GradientsPassed,
    int BatchRows,
    LossReport Loss,
    IReadOnlyList<DifferenceReport> Parameters,
    DifferenceReport InputGradient,
    IReadOnlyList<DifferenceReport> Buffers,
    DifferenceReport? Evaluation,
    IReadOnlyList<LayerReport> Layers,
    ResyncReport Resync,
    Harness.Checks.KinkCrossing? KinkCrossing,
    UpdatesReport Updates,
    GradcheckPair Gradcheck,
    IReadOnlyList<string> Diagnosis)
{
    public static CheckSpecReport From(CheckResult result)
    {
        var g = result.Gradients;
        return new CheckSpecReport(
            result.Spec.Name, result.Spec.DType.ToString().ToLowerInvariant(), result.Passed, g.Passed, result.Batch.Rows,
            new LossReport(g.Engine.Loss, g.Twin.Loss, g.Loss.Passed),
            g.Parameters.Select(DifferenceReport.From).ToList(),
            DifferenceReport.From(g.Input),
            g.Buffers.Select(b => DifferenceReport.From(b.Difference)).ToList(),
            g.Evaluation is { Difference: { } evaluation } ? DifferenceReport.From(evaluation) : null,
            g.LayerOutputs.Zip(g.LayerOutputGradients).Select((pair, i) => new LayerReport(i, result.Spec.Model[i].Path, DifferenceReport.From(pair.First), DifferenceReport.From(pair.Second))).ToList(),
            ResyncReport.From(result.Resync),
            g.Crossing,
            UpdatesReport.From(result.Updates),
            new GradcheckPair(GradcheckReport.From(result.EngineGradcheck), GradcheckReport.From(result.TwinGradcheck)),
            result.Diagnosis);
    }
}

public sealed record LossReport(double Engine, double Twin, bool Passed);

public sealed record DifferenceReport(string Name, int[] Shape, double MaxAbsErr, double MaxRelErr, double MaxUlp, double MedianUlp, double Cosine, double NormRatio, bool Passed)
{
    public static DifferenceReport From(TensorDifference d) => new(d.Name, d.Shape, d.MaxAbsErr, d.MaxRelErr, d.MaxUlp, d.MedianUlp, d.Cosine, d.NormRatio, d.Passed);
}

/// <summary>A layer's output and the gradient reaching it: its index in the flat post-order list, and its path in the module tree ("2.1").</summary>
public sealed record LayerReport(int Layer, string Path, DifferenceReport Output, DifferenceReport Gradient);

/// <summary>
/// Per-layer re-sync (<see cref="LayerResync"/>): each layer's own error (fed TorchSharp's input and upstream gradient),
/// the error it inherits in the end-to-end run, and its verdict ("own", "inherited", "agrees"); or why it was not available.
/// </summary>
public sealed record ResyncReport(bool Available, string? Unavailable, IReadOnlyList<ResyncLayerReport> Layers)
{
    public static ResyncReport From(LayerResyncResult r) => new(r.Available, r.Unavailable,
        r.Layers.Select(l => new ResyncLayerReport(l.Layer, l.Path, l.OwnError, l.InheritedError, l.Verdict, l.WorstOwn?.Name)).ToList());
}

/// <summary>
/// One layer re-synced, by its index in the flat post-order list and its path in the module tree ("2.1"), as <see cref="LayerReport"/>;
/// <see cref="WorstOwn"/> names the tensor of its own error furthest outside tolerance (null when it has none).
/// </summary>
public sealed record ResyncLayerReport(int Layer, string Path, double OwnError, double InheritedError, string Verdict, string? WorstOwn);

/// <summary>
/// The update check; <see cref="Gradients"/> says which gradients the reference's optimizer stepped on: "engine" (the
/// engine's, so only the optimizers can part) or "own" (each backend its own: a reference that cannot take another's).
/// </summary>
public sealed record UpdatesReport(bool Passed, int StepsChecked, int? FirstFailure, string Gradients)
{
    public static UpdatesReport From(UpdateParityResult updates) => new(updates.Passed, updates.Steps.Count, updates.FirstFailure?.Step,
        updates.Gradients == UpdateGradients.EngineGradients ? "engine" : "own");
}

public sealed record GradcheckPair(GradcheckReport Engine, GradcheckReport Twin);

/// <summary>A backend's finite-difference check; <see cref="Nondeterminism"/>, <see cref="FullMode"/> and <see cref="Linearity"/> as <see cref="GradcheckResult"/> has them.</summary>
public sealed record GradcheckReport(bool Passed, string Mode, double MaxRelErr, int Checked, int Kinks, IReadOnlyList<GradcheckFailure> Failures, double Nondeterminism, FullModeRecheck? FullMode,
    BackwardLinearity? Linearity)
{
    public static GradcheckReport From(GradcheckResult r) => new(r.Passed, r.Mode, r.MaxRelErr, r.Checked, r.Kinks, r.Failures, r.Nondeterminism, r.FullMode, r.Linearity);

    /// <summary>The figures in one line, as the console and the reports give them.</summary>
    public string Describe() =>
        $"{Checked} checked, {Kinks} kinks skipped, max relative error {Figures.Scientific(MaxRelErr)}"
        + (Nondeterminism > 0 ? $"; two backwards on the same input differ by up to {Figures.Scientific(Nondeterminism)}: nondeterministic" : "")
        + (FullMode is { } full ? $"; fast mode failed, {full.Describe()}" : "")
        + Linearity switch
        {
            null => "",
            { Unavailable: not null } => "; backward linearity not available",
            { Passed: true } => "; backward linear in the upstream gradient",
            { Failures: var failures } => $"; backward not linear in the upstream gradient at {string.Join(", ", failures.Select(f => $"layer {f.Path} {f.Tensor} ({(f.Zero ? "zero upstream" : "doubled upstream")}, off by {Figures.Scientific(f.Size)})"))}",
        };
}
