using Parity.Cli.Output;
using Parity.Harness.Benchmarks;
using Parity.Harness.Pipeline;
using Parity.Harness.Shrinking;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Cli.Reports;

/// <summary>A spec's evaluation (<see cref="SpecEvaluation"/>) as a report records it (<see cref="SpecResult"/>, result.json).</summary>
public static class SpecResults
{
    /// <summary>
    /// A tenth of a second of steps per side: a report's timings are a glance, and the suite times
    /// sixteen runs (parity bench, with its two seconds, is where figures are measured).
    /// </summary>
    public static readonly BenchmarkOptions ReportBench = new(MinSeconds: 0.1);

    /// <summary>Everything Parity measures of one spec, unshrunk, drawn on <paramref name="progress"/> (a baseline and its regression check).</summary>
    public static SpecResult Evaluate(ParitySpec spec, EngineUnderTest engine, ConsoleProgress progress)
    {
        using var threads = Backends.ThreadsFor(spec);
        // Loaded once for all its stages: a Fashion-MNIST split is tens of MB, read-only to each of them.
        var evaluation = SpecEvaluation.Run(spec, DatasetLoader.Load(spec), Backends.Pair(engine, spec), new EvaluationOptions(Shrink: null, ReportBench), progress);
        progress.Verdict(spec.Name, evaluation.Passed);
        return From(evaluation, engine);
    }

    public static SpecResult From(SpecEvaluationResult evaluation, EngineUnderTest engine)
    {
        var spec = evaluation.Spec;
        // An engine in another process is named by its handshake, then by the command that started it.
        var name = ExecEngine.Names(engine.Name) ? $"{evaluation.Check.EngineGradcheck.Backend} ({engine.Name})" : engine.Name;
        return new SpecResult(spec.Name, spec.Description.Trim(), name, Backends.ReferenceName, evaluation.Passed,
            CheckSpecReport.From(evaluation.Check), TrainOutput.Report(evaluation.Training),
            BenchSpecReport.From(evaluation.Bench, Backends.Threads, evaluation.Targets, null), MachineReport.Of(Machine.Current()))
        {
            Reproduction = evaluation.Shrunk is { } shrunk ? new ReproductionSummary(Reproduction.Folder, shrunk.Before, shrunk.After, shrunk.Removed) : null,
        };
    }
}
