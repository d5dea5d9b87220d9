using Parity.Cli.Output;
using Parity.Harness;
using Parity.Spec;

namespace Parity.Cli.Reports;

/// <summary>One verdict of a report: the check by name (JUnit's test case), its label and figures in words, and for a failure what failed.</summary>
public sealed record ReportVerdict(string Check, string Label, bool Passed, string Detail, string Failure);

/// <summary>The teacher-forced run as a report tells it: what was forced, its verdict, and the tensors that differ first.</summary>
public sealed record TeacherForcingSection(bool Passed, string Text, IReadOnlyList<ForcedPartReport> Parts);

/// <summary>
/// A spec's report, every section in words, built once from its result: the answer (for a failure), the setting,
/// the summary of verdicts, the diagnosis, re-sync and teacher forcing. Markdown, HTML, JUnit and the console render
/// it and decide nothing: every verdict here is the result's (<see cref="SpecResult"/>), which the Harness made.
/// The figures behind the curves, the gradient table and the runtime are the result's own (<see cref="Result"/>).
/// </summary>
public sealed record ReportDocument(
    SpecResult Result,
    FailureAnswer? Answer,
    string Description,
    string Setting,
    IReadOnlyList<ReportVerdict> Verdicts,
    string LastEpoch,
    IReadOnlyList<string> Diagnosis,
    string Resync,
    IReadOnlyList<string[]> ResyncRows,
    TeacherForcingSection? TeacherForcing,
    string MadeOn)
{
    public const string ResyncText = "Each layer also run on TorchSharp's input and upstream gradient: its own error is its bug; the inherited error is what the end-to-end run adds, the drift of the layers around it. Only a layer with an own error is blamed.";

    /// <summary>The document of <paramref name="result"/>, its advice for the engine <paramref name="engineOption"/> chose (see <see cref="FailureAnswer.For"/>).</summary>
    public static ReportDocument Of(ParitySpec spec, SpecResult result, string? engineOption)
    {
        var check = result.Check;
        var train = result.Train;
        return new ReportDocument(
            result,
            FailureAnswer.For(result, Path.GetFileName(spec.SourcePath), engineOption),
            spec.Description.Trim(),
            $"{spec.DType.ToString().ToLowerInvariant()} · seed {spec.Seed} · {spec.Train.Epochs} epochs of batch {spec.Train.Batch}"
                + (spec.Expect.Reported is { } reported ? $" · the seed project reported: {reported}" : ""),
            VerdictsOf(result),
            $"test loss {Figures.Loss(result.Last.Engine?.TestLoss)} / {Figures.Loss(result.Last.Twin?.TestLoss)}, test accuracy {Figures.Accuracy(result.Last.Engine?.TestAccuracy)} / {Figures.Accuracy(result.Last.Twin?.TestAccuracy)}",
            [.. check.Diagnosis.Concat(train.Failures)],
            check.Resync.Available ? ResyncText : $"Not available: {check.Resync.Unavailable}.",
            [.. check.Resync.Layers.Select(row => new[] { row.Path, Figures.Scientific(row.OwnError) + (row.WorstOwn is { } worst ? $" ({worst})" : ""), Figures.Scientific(row.InheritedError), row.Verdict })],
            train.TeacherForcing is { } forcing
                ? new TeacherForcingSection(forcing.Passed, $"The engine under test set to TorchSharp's parameters and optimizer state before each of {forcing.StepsForced} steps, so that each step's error is its own: {Figures.Mark(forcing.Passed)}, {forcing.Verdict}.", forcing.Parts)
                : null,
            $"Made on {result.Machine}. {Harness.Benchmarks.StepThreads.Explain(spec, result.Machine.Cores, new(result.Bench.Threads, result.Bench.ReferenceThreads))} Run again with the same CPU features, BLAS kernel and threads, every figure repeats bit for bit; on another CPU or kernel, up to rounding: the verdicts hold, the last bits move.");
    }

    /// <summary>The re-sync table's columns.</summary>
    public static readonly string[] ResyncColumns = ["layer", "own error (max abs)", "inherited error (max abs)", "verdict"];

    /// <summary>The phases both engines were timed in apart, and the whole training step.</summary>
    public IEnumerable<(string Phase, double Engine, double Twin)> Phases =>
        new (string Phase, double? Engine, double? Twin)[]
        {
            ("forward", Result.Bench.Engine.ForwardMs, Result.Bench.Twin.ForwardMs),
            ("backward", Result.Bench.Engine.BackwardMs, Result.Bench.Twin.BackwardMs),
            ("optimizer step", Result.Bench.Engine.StepMs, Result.Bench.Twin.StepMs),
            ("training step", Result.Bench.Engine.TrainStepMs, Result.Bench.Twin.TrainStepMs),
        }.Where(p => p.Engine is not null && p.Twin is not null).Select(p => (p.Phase, p.Engine!.Value, p.Twin!.Value));

    /// <summary>Every verdict the spec's pass or failure is made of, each as the result records it; the runtime's only when the spec sets targets.</summary>
    public static IReadOnlyList<ReportVerdict> VerdictsOf(SpecResult result)
    {
        var check = result.Check;
        var verdicts = new List<ReportVerdict>
        {
            new("gradient parity", $"gradient parity (first batch, {check.BatchRows} rows)", check.GradientsPassed,
                $"max relative error {Figures.Scientific(result.MaxGradientRelErr)}", string.Join("; ", check.Diagnosis)),
            new("optimizer updates", "optimizer updates", check.Updates.Passed, $"{check.Updates.StepsChecked} steps", $"parameters part after update {check.Updates.FirstFailure}"),
        };
        foreach (var (side, gradcheck) in new[] { ("engine", check.Gradcheck.Engine), ("reference", check.Gradcheck.Twin) })
            verdicts.Add(new($"finite differences ({side})", $"finite differences, {side} ({gradcheck.Mode})", gradcheck.Passed, gradcheck.Describe(),
                string.Join("; ", gradcheck.Failures.Select(f => $"{f.Where}: numerical {f.Numerical} vs analytical {f.Analytical}"))));
        verdicts.Add(new("lockstep training", "lockstep training", result.Train.Passed, result.Train.Verdict, string.Join("; ", result.Train.Failures)));
        if (result.Bench.Targets.Count > 0)
            verdicts.Add(new("runtime targets", "runtime targets", result.Bench.Passed,
                string.Join(", ", result.Bench.Targets.Select(t => $"{t.Name} {Figures.Loss(t.Measured)} (target ≤ {Figures.Loss(t.Limit)})")),
                string.Join("; ", result.Bench.Targets.Where(t => !t.Passed).Select(t => $"{t.Name} {Figures.Loss(t.Measured)} over {Figures.Loss(t.Limit)}"))));
        return verdicts;
    }
}
