using System.Globalization;
using Parity.Harness;
using Parity.Harness.Training;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Output;

/// <summary>A training outcome (<see cref="TrainingOutcome"/>) as <c>parity train</c> prints it — the epoch, grid or seeds table and the verdict — and as its JSON records it.</summary>
public static class TrainOutput
{
    const string Engine = Sides.Engine, Twin = Sides.Twin;

    /// <summary>The outcome printed, closing with <c>passed</c> or <c>failed</c> and <paramref name="closing"/>.</summary>
    public static void Print(IAnsiConsole console, TrainingOutcome outcome, Dataset data, string closing)
    {
        var spec = outcome.Spec;
        if (outcome.Seeds is { } seeds)
        {
            PrintSeeds(console, outcome, seeds);
            console.MarkupLine($"verdict: {Markup.Escape(outcome.Verdict)}");
            console.MarkupLine(outcome.Passed ? $"[green]passed[/] {Markup.Escape(closing)}" : $"[red]failed[/] {Markup.Escape(closing)}");
            console.WriteLine();
            return;
        }
        if (outcome.Grid is { } grid)
            PrintGrid(console, outcome, grid);
        var table = new Table()
            .Title($"{spec.Name}{(outcome.Grid is { } g ? $" (pick #{g.Result.EngineWinner + 1})" : "")} · {spec.DType.ToString().ToLowerInvariant()} · seed {spec.Seed}")
            .Caption($"each cell: {string.Join(" / ", outcome.Runs.Keys.Select(Sides.Word))} · {data.Train.Rows} train{(data.Train.Rows > Trainer.TrainEvaluationRows ? $" (measured on {Trainer.TrainEvaluationRows})" : "")}, {data.Validation?.Rows ?? 0} validation, {data.Test.Rows} test rows");
        var columns = new List<(string Header, Func<EpochMetrics, string> Cell)>
        {
            ("train loss", e => Figures.Loss(e.TrainLoss)),
            ("train acc", e => Figures.Accuracy(e.TrainAccuracy)),
        };
        if (data.Validation is not null)
            columns.AddRange([("val loss", e => Figures.Loss(e.ValidationLoss)), ("val acc", e => Figures.Accuracy(e.ValidationAccuracy))]);
        columns.AddRange([("test loss", e => Figures.Loss(e.TestLoss)), ("test acc", e => Figures.Accuracy(e.TestAccuracy))]);

        table.AddColumn("epoch");
        foreach (var column in columns)
            table.AddColumn(column.Header);
        foreach (var index in Figures.Sample(Enumerable.Range(0, spec.Train.Epochs).ToList()))
            table.AddRow([(index + 1).ToString(CultureInfo.InvariantCulture), .. columns.Select(c => Markup.Escape(string.Join("\n", outcome.Runs.Values.Select(epochs => c.Cell(epochs[index])))))]);
        console.Write(table);
        console.MarkupLine($"verdict: {Markup.Escape(outcome.Verdict)}");
        console.MarkupLine(outcome.Passed
            ? $"[green]passed[/] {Markup.Escape(closing)}"
            : $"[red]failed[/] {Markup.Escape(closing)}: {Markup.Escape(string.Join("; ", outcome.Failures))}");
        console.WriteLine();
    }

    static void PrintGrid(IAnsiConsole console, TrainingOutcome outcome, GridOutcome grid)
    {
        var result = grid.Result;
        var table = new Table().Title($"{outcome.Spec.Name} · grid over {result.Entries.Count} optimizer settings · pick on {outcome.Spec.Grid!.Select.ToString().ToLowerInvariant()}")
            .AddColumns("#", "lr", "momentum", "weight decay", "val acc", "val loss", "test acc", "verdict");
        foreach (var (entry, i) in result.Entries.Select((e, i) => (e, i)))
        {
            var (e, t) = (entry.Result.Engine[^1], entry.Result.Twin[^1]);
            table.AddRow(Markup.Escape($"{i + 1}{(i == result.EngineWinner ? " ← engine" : "")}{(i == result.TwinWinner ? " ← reference" : "")}"),
                G(entry.Optimizer.Lr), G(entry.Optimizer.Settings.Number("momentum")), G(entry.Optimizer.Settings.Number("weight_decay")),
                Both(e.ValidationAccuracy, t.ValidationAccuracy, Figures.Accuracy), Both(e.ValidationLoss, t.ValidationLoss, Figures.Loss),
                Both(e.TestAccuracy, t.TestAccuracy, Figures.Accuracy), entry.Result.Identical ? "identical" : "[red]diverged[/]");
        }
        console.Write(table.Caption("each cell: engine / reference"));
        console.Write(Confusion(result.EngineConfusion, $"engine's pick (#{result.EngineWinner + 1}): test confusion, rows true class, columns predicted"));
    }

    static void PrintSeeds(IAnsiConsole console, TrainingOutcome outcome, SeedsOutcome seeds)
    {
        var table = new Table().Title($"{outcome.Spec.Name} · {seeds.Results.Count} seeds ({seeds.Variants[0].Seed}–{seeds.Variants[^1].Seed}) · final test figures")
            .AddColumns("metric", "engine mean ± sd (95 % CI)", "reference mean ± sd (95 % CI)", "mean difference", "margin", "TOST p (lower, upper)", "equivalent");
        foreach (var (name, study) in seeds.Studies)
            table.AddRow(name, Spread(study.Engine), Spread(study.Twin), Figures.Loss(study.Equivalence.MeanDifference), Figures.Loss(study.Equivalence.Margin),
                Markup.Escape($"{Figures.Loss(study.Equivalence.PLower)}, {Figures.Loss(study.Equivalence.PUpper)}"), study.Equivalence.Equivalent ? "[green]yes[/]" : "[red]no[/]");
        console.Write(table);
    }

    /// <summary>A teacher-forced run printed: the tensors that differ first, and its verdict.</summary>
    public static void PrintForcing(IAnsiConsole console, Spec.ParitySpec spec, TeacherForcingResult result)
    {
        var parts = Parts(result);
        if (parts.Count > 0)
        {
            var table = new Table().Title($"{spec.Name} · teacher forcing · what differs first").AddColumns("step (epoch)", "kind", "tensor", "max abs err", "max rel err", "at", "engine / reference");
            foreach (var p in parts)
                table.AddRow($"{p.Step} ({p.Epoch})", p.Kind, Markup.Escape(p.Name), Figures.Scientific(p.MaxAbsErr), Figures.Scientific(p.MaxRelErr), Markup.Escape(p.WorstIndex), Markup.Escape($"{G(p.Engine)} / {G(p.Reference)}"));
            console.Write(table);
        }
        console.MarkupLine($"teacher forcing: {Markup.Escape(result.Verdict)}");
        console.WriteLine();
    }

    /// <summary>The outcome as <c>parity train --json</c> and result.json record it.</summary>
    public static TrainSpecReport Report(TrainingOutcome outcome)
    {
        var spec = outcome.Spec;
        var runs = outcome.Runs;
        var report = new TrainSpecReport(
            spec.Name, spec.DType.ToString().ToLowerInvariant(), outcome.Passed, outcome.Verdict, outcome.Failures,
            Enumerable.Range(0, spec.Train.Epochs).Select(i => new TrainEpochReport(i + 1,
                runs.TryGetValue(Engine, out var e) ? e[i] : null, runs.TryGetValue(Twin, out var t) ? t[i] : null)).ToList(),
            MaxLossDiff: null, MaxParamDrift: null, FirstDivergence: null, Steps: null, NonFinite: outcome.NonFinite,
            TeacherForcing: outcome.TeacherForcing is { } forcing ? ForcingReport(forcing, outcome.ForcingVerdict!) : null);
        if (outcome.Lockstep is not { } result)
            return report;
        return report with
        {
            MaxLossDiff = result.MaxLossDiff,
            MaxParamDrift = result.MaxParamDrift,
            FirstDivergence = result.FirstDivergence is not { } d ? null
                : new FirstDivergenceReport(d.Step, d.Epoch, d.Parameter, d.Layer, d.Reason, d.RelativeDrift, d.LossDiff, d.Bound),
            Steps = result.Steps.Select(s => new TrainStepReport(s.Step, s.Epoch, s.EngineLoss, s.TwinLoss, s.Drift)).ToList(),
            Grid = outcome.Grid is not { } grid ? null : new GridReport(
                grid.Result.Entries.Select((e, i) => new GridEntryReport(e.Optimizer.Lr, e.Optimizer.Settings.Number("momentum"), e.Optimizer.Settings.Number("dampening"), e.Optimizer.Settings.Number("weight_decay"), e.Optimizer.Settings.Flag("nesterov"),
                    e.Result.Engine[^1], e.Result.Twin[^1], grid.Verdicts[i])).ToList(),
                grid.Result.EngineWinner, grid.Result.TwinWinner, grid.Result.EngineConfusion, grid.Result.TwinConfusion),
            Seeds = outcome.Seeds is not { } seeds ? null
                : new SeedsReport(seeds.Results.Count, seeds.Variants.Select(v => v.Seed).ToList(), seeds.TestAccuracy, seeds.TestLoss),
        };
    }

    static TeacherForcingReport ForcingReport(TeacherForcingResult result, string verdict) =>
        new(result.Passed, verdict, result.Steps.Count, result.First?.Step, result.FirstInParameters?.Step, result.MaxAbsErr, Parts(result));

    /// <summary>The tensors (gradients first, where the reference took the engine's) that differ at the first differing step, and at the first whose parameters differ when that comes later.</summary>
    static List<ForcedPartReport> Parts(TeacherForcingResult result) =>
        new[] { result.First, result.FirstInParameters }.OfType<ForcedStep>().Distinct()
            .SelectMany(s => (s.Gradients ?? []).Where(d => !d.Passed).Select(d => Part(s, "gradient", d))
                .Concat(s.Parameters.Where(d => !d.Passed).Select(d => Part(s, "parameter", d)))
                .Concat(s.State.Where(d => !d.Passed).Select(d => Part(s, "optimizer state", d)))).ToList();

    static ForcedPartReport Part(ForcedStep step, string kind, Harness.Comparison.TensorDifference d) =>
        new(step.Step, step.Epoch, kind, d.Name, d.MaxAbsErr, d.MaxRelErr, d.WorstIndex, d.Value, d.Reference);

    static string Spread(Harness.Statistics.Summary s) =>
        Markup.Escape($"{Figures.Loss(s.Mean)} ± {Figures.Loss(s.StdDev)} [{Figures.Loss(s.CiLow)}, {Figures.Loss(s.CiHigh)}]");

    static Table Confusion(int[][] counts, string title)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumn("true \\ predicted");
        for (var j = 0; j < counts.Length; j++)
            table.AddColumn(j.ToString(CultureInfo.InvariantCulture));
        for (var i = 0; i < counts.Length; i++)
            table.AddRow([i.ToString(CultureInfo.InvariantCulture), .. counts[i].Select(c => c.ToString(CultureInfo.InvariantCulture))]);
        return table;
    }

    static string Both(double? engine, double? twin, Func<double?, string> format) => Markup.Escape($"{format(engine)} / {format(twin)}");

    static string G(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
