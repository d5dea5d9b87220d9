using System.Globalization;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Output;

/// <summary>What <c>parity train</c> prints and reports for a run: the epoch table, the verdict, the JSON record.</summary>
public static class TrainOutput
{
    const string Engine = Sides.Engine, Twin = Sides.Twin;

    public static TrainSpecReport Lockstep(IAnsiConsole console, ParitySpec spec, Dataset data, LockstepResult result)
    {
        var runs = Runs(result);
        var verdict = Verdict(spec, result);
        var failures = Missed(spec, runs);
        if (!result.Identical)
            failures.Add(verdict);
        Print(console, spec, data, runs, failures, verdict);
        return LockstepReport(spec, runs, failures, verdict, result);
    }

    public static TrainSpecReport Grid(IAnsiConsole console, ParitySpec spec, Dataset data, GridResult grid)
    {
        var table = new Table().Title($"{spec.Name} · grid over {grid.Entries.Count} optimizer settings · pick on {spec.Grid!.Select.ToString().ToLowerInvariant()}")
            .AddColumns("#", "lr", "momentum", "weight decay", "val acc", "val loss", "test acc", "verdict");
        foreach (var (entry, i) in grid.Entries.Select((e, i) => (e, i)))
        {
            var (e, t) = (entry.Result.Engine[^1], entry.Result.Twin[^1]);
            table.AddRow(Markup.Escape($"{i + 1}{(i == grid.EngineWinner ? " ← engine" : "")}{(i == grid.TwinWinner ? " ← twin" : "")}"),
                G(entry.Optimizer.Lr), G(entry.Optimizer.Momentum), G(entry.Optimizer.WeightDecay),
                Both(e.ValidationAccuracy, t.ValidationAccuracy, Figures.Accuracy), Both(e.ValidationLoss, t.ValidationLoss, Figures.Loss),
                Both(e.TestAccuracy, t.TestAccuracy, Figures.Accuracy), entry.Result.Identical ? "identical" : "[red]diverged[/]");
        }
        console.Write(table.Caption("each cell: engine / twin"));
        console.Write(Confusion(grid.EngineConfusion, $"engine's pick (#{grid.EngineWinner + 1}): test confusion, rows true class, columns predicted"));

        var winner = grid.Entries[grid.EngineWinner];
        var runs = Runs(winner.Result);
        var failures = Missed(spec, runs);
        failures.AddRange(grid.Entries.Select((e, i) => (e, i)).Where(p => !p.e.Result.Identical).Select(p => $"setting #{p.i + 1}: {Verdict(spec, p.e.Result)}"));
        if (!grid.SameWinner)
            failures.Add($"the engines pick different settings: engine #{grid.EngineWinner + 1}, twin #{grid.TwinWinner + 1}");
        var verdict = failures.Count == 0
            ? $"identical up to rounding in all {grid.Entries.Count} settings; both engines pick #{grid.EngineWinner + 1}"
            : string.Join("; ", failures);
        Print(console, spec with { Name = $"{spec.Name} (pick #{grid.EngineWinner + 1})" }, data, runs, failures, verdict);
        return LockstepReport(spec, runs, failures, verdict, winner.Result) with
        {
            Grid = new GridReport(
                grid.Entries.Select(e => new GridEntryReport(e.Optimizer.Lr, e.Optimizer.Momentum, e.Optimizer.Dampening, e.Optimizer.WeightDecay, e.Optimizer.Nesterov,
                    e.Result.Engine[^1], e.Result.Twin[^1], Verdict(spec, e.Result))).ToList(),
                grid.EngineWinner, grid.TwinWinner, grid.EngineConfusion, grid.TwinConfusion),
        };
    }

    public static TrainSpecReport Seeds(IAnsiConsole console, ParitySpec spec, Dataset data, IReadOnlyList<ParitySpec> variants, IReadOnlyList<LockstepResult> results, double margin)
    {
        double Final(IReadOnlyList<EpochMetrics> epochs, bool accuracy) => accuracy ? epochs[^1].TestAccuracy ?? double.NaN : epochs[^1].TestLoss ?? double.NaN;
        MetricStudy Study(bool accuracy)
        {
            var engine = results.Select(r => Final(r.Engine, accuracy)).ToList();
            var twin = results.Select(r => Final(r.Twin, accuracy)).ToList();
            var twinSummary = Harness.Statistics.SeedStatistics.Summarize(twin);
            var scaledMargin = accuracy ? margin : margin * Math.Abs(twinSummary.Mean);
            return new MetricStudy(Harness.Statistics.SeedStatistics.Summarize(engine), twinSummary, Harness.Statistics.SeedStatistics.Tost(engine, twin, scaledMargin));
        }
        var studies = new List<(string Name, MetricStudy Study)>();
        if (spec.Accuracy != AccuracyRule.None)
            studies.Add(("test accuracy", Study(accuracy: true)));
        studies.Add(("test loss", Study(accuracy: false)));

        var table = new Table().Title($"{spec.Name} · {results.Count} seeds ({variants[0].Seed}–{variants[^1].Seed}) · final test figures")
            .AddColumns("metric", "engine mean ± sd (95 % CI)", "twin mean ± sd (95 % CI)", "mean difference", "margin", "TOST p (lower, upper)", "equivalent");
        foreach (var (name, study) in studies)
            table.AddRow(name, Spread(study.Engine), Spread(study.Twin), Figures.Loss(study.Equivalence.MeanDifference), Figures.Loss(study.Equivalence.Margin),
                Markup.Escape($"{Figures.Loss(study.Equivalence.PLower)}, {Figures.Loss(study.Equivalence.PUpper)}"), study.Equivalence.Equivalent ? "[green]yes[/]" : "[red]no[/]");
        console.Write(table);

        var failures = results.Select((r, i) => (r, i)).Where(p => !p.r.Identical).Select(p => $"seed {variants[p.i].Seed}: {Verdict(spec, p.r)}").ToList();
        failures.AddRange(results.SelectMany((r, i) => Missed(variants[i], Runs(r)).Select(m => $"seed {variants[i].Seed}: {m}")));
        failures.AddRange(studies.Where(s => !s.Study.Equivalence.Equivalent).Select(s => $"{s.Name}: not shown equivalent within ±{Figures.Loss(s.Study.Equivalence.Margin)}"));
        var verdict = failures.Count == 0
            ? $"equivalent over {results.Count} seeds, every run {(results.All(r => r.WithinRounding) ? "identical up to rounding" : "without a jump")}"
            : string.Join("; ", failures);
        console.MarkupLine($"verdict: {Markup.Escape(verdict)}");
        console.MarkupLine(failures.Count == 0 ? $"[green]passed[/] {Markup.Escape(spec.Name)}" : $"[red]failed[/] {Markup.Escape(spec.Name)}");
        console.WriteLine();
        return LockstepReport(spec, Runs(results[0]), failures, verdict, results[0]) with
        {
            Seeds = new SeedsReport(results.Count, variants.Select(v => v.Seed).ToList(),
                studies.FirstOrDefault(s => s.Name == "test accuracy").Study, studies.Single(s => s.Name == "test loss").Study),
        };
    }

    /// <summary>A teacher-forced run printed (its verdict and the tensors that differ first) and reported.</summary>
    public static TeacherForcingReport TeacherForcing(IAnsiConsole console, ParitySpec spec, TeacherForcingResult result)
    {
        var steps = new[] { result.First, result.FirstInParameters }.OfType<ForcedStep>().Distinct().ToList();
        var parts = steps.SelectMany(s => (s.Gradients ?? []).Where(d => !d.Passed).Select(d => Part(s, "gradient", d))
            .Concat(s.Parameters.Where(d => !d.Passed).Select(d => Part(s, "parameter", d)))
            .Concat(s.State.Where(d => !d.Passed).Select(d => Part(s, "optimizer state", d)))).ToList();
        if (parts.Count > 0)
        {
            var table = new Table().Title($"{spec.Name} · teacher forcing · what differs first").AddColumns("step (epoch)", "kind", "tensor", "max abs err", "max rel err", "at", "engine / reference");
            foreach (var p in parts)
                table.AddRow($"{p.Step} ({p.Epoch})", p.Kind, Markup.Escape(p.Name), Figures.Scientific(p.MaxAbsErr), Figures.Scientific(p.MaxRelErr), Markup.Escape(p.WorstIndex), Markup.Escape($"{G(p.Engine)} / {G(p.Reference)}"));
            console.Write(table);
        }
        console.MarkupLine($"teacher forcing: {Markup.Escape(result.Verdict)}");
        console.WriteLine();
        return new TeacherForcingReport(result.Passed, result.Verdict, result.Steps.Count, result.First?.Step, result.FirstInParameters?.Step, result.MaxAbsErr, parts);
    }

    static ForcedPartReport Part(ForcedStep step, string kind, Harness.Comparison.TensorDifference d) =>
        new(step.Step, step.Epoch, kind, d.Name, d.MaxAbsErr, d.MaxRelErr, d.WorstIndex, d.Value, d.Reference);

    static string Spread(Harness.Statistics.Summary s) =>
        Markup.Escape($"{Figures.Loss(s.Mean)} ± {Figures.Loss(s.StdDev)} [{Figures.Loss(s.CiLow)}, {Figures.Loss(s.CiHigh)}]");

    public static TrainSpecReport Alone(IAnsiConsole console, ParitySpec spec, Dataset data, string name, IReadOnlyList<EpochMetrics> epochs, NonFinite? nonFinite)
    {
        var runs = new Dictionary<string, IReadOnlyList<EpochMetrics>> { [name] = epochs };
        var failures = Missed(spec, runs);
        var verdict = nonFinite is not null ? $"{name} alone: {nonFinite.Where}"
            : failures.Count == 0 ? $"{name} alone: trained as expected" : $"{name} alone: expectation missed";
        if (nonFinite is not null)
            failures.Insert(0, verdict);
        Print(console, spec, data, runs, failures, verdict);
        return Report(spec, runs, failures, verdict) with { NonFinite = nonFinite };
    }

    static string Verdict(ParitySpec spec, LockstepResult result)
    {
        var maxDrift = Figures.Loss(result.Steps.Select(s => s.RelativeDrift).DefaultIfEmpty(0).Max());
        if (result.NonFinite is { } n)
            return $"{n.Where}, {InWhich(n)}" + (result.FirstDivergence is { } jump && jump.Step < n.Step ? $"; before it, the engines {Parted(jump)}" : "");
        if (result.FirstDivergence is { } d)
            return Parted(d);
        if (result.FirstBeyondRounding is { } b)
            return $"rounding amplified by the dynamics: no jump, but from step {b.Step} (epoch {b.Epoch}) the drift grows past the rounding bound "
                + $"(parameter drift {Figures.Loss(b.RelativeDrift)}, loss difference {Figures.Loss(b.LossDiff)}, bound {Figures.Loss(b.Bound)}; max drift {maxDrift}) — the training is too sensitive for its curves to be compared step for step";
        return $"identical up to rounding: max relative parameter drift {maxDrift} over {result.Steps.Count} steps (bound at the last step {Figures.Loss(RoundingBound.At(spec.DType, result.Steps.Count))})";
    }

    static string Parted(Divergence d) =>
        $"diverged at step {d.Step} (epoch {d.Epoch}): {d.Reason}; largest drift in {d.Parameter}, {d.Layer}: relative drift {Figures.Loss(d.RelativeDrift)}, loss difference {Figures.Loss(d.LossDiff)}, rounding bound {Figures.Loss(d.Bound)}";

    /// <summary>A NaN in both engines is the spec's training blowing up, never a match; in one engine only, the two compute differently.</summary>
    static string InWhich(NonFinite n) => n.Backends.Count > 1
        ? "in both engines: the training itself blows up; lower the learning rate or the scale of the initial weights, or clip the gradients"
        : $"in the {n.Backends[0]} only, while the {(n.Backends[0] == Twin ? "engine" : Twin)} stays finite: the two compute differently there";

    static Dictionary<string, IReadOnlyList<EpochMetrics>> Runs(LockstepResult result) => new() { [Engine] = result.Engine, [Twin] = result.Twin };

    static List<string> Missed(ParitySpec spec, Dictionary<string, IReadOnlyList<EpochMetrics>> runs) =>
        runs.SelectMany(run => Expectations.Missed(spec.Expect, run.Value).Select(missed => $"{run.Key}: {missed}")).ToList();

    static TrainSpecReport LockstepReport(ParitySpec spec, Dictionary<string, IReadOnlyList<EpochMetrics>> runs, IReadOnlyList<string> failures, string verdict, LockstepResult result) =>
        Report(spec, runs, failures, verdict) with
        {
            MaxLossDiff = result.MaxLossDiff,
            MaxParamDrift = result.MaxParamDrift,
            FirstDivergence = result.FirstDivergence is not { } d ? null
                : new FirstDivergenceReport(d.Step, d.Epoch, d.Parameter, d.Layer, d.Reason, d.RelativeDrift, d.LossDiff, d.Bound),
            Steps = result.Steps.Select(s => new TrainStepReport(s.Step, s.Epoch, s.EngineLoss, s.TwinLoss, s.Drift)).ToList(),
            NonFinite = result.NonFinite,
        };

    static TrainSpecReport Report(ParitySpec spec, Dictionary<string, IReadOnlyList<EpochMetrics>> runs, IReadOnlyList<string> failures, string verdict) => new(
        spec.Name, spec.DType.ToString().ToLowerInvariant(), failures.Count == 0, verdict, failures,
        Enumerable.Range(0, spec.Train.Epochs).Select(i => new TrainEpochReport(i + 1,
            runs.TryGetValue(Engine, out var e) ? e[i] : null, runs.TryGetValue(Twin, out var t) ? t[i] : null)).ToList(),
        MaxLossDiff: null, MaxParamDrift: null, FirstDivergence: null, Steps: null);


    static void Print(IAnsiConsole console, ParitySpec spec, Dataset data, Dictionary<string, IReadOnlyList<EpochMetrics>> runs, IReadOnlyList<string> failures, string verdict)
    {
        var table = new Table()
            .Title($"{spec.Name} · {spec.DType.ToString().ToLowerInvariant()} · seed {spec.Seed}")
            .Caption($"each cell: {string.Join(" / ", runs.Keys)} · {data.Train.Rows} train{(data.Train.Rows > Trainer.TrainEvaluationRows ? $" (measured on {Trainer.TrainEvaluationRows})" : "")}, {data.Validation?.Rows ?? 0} validation, {data.Test.Rows} test rows");
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
            table.AddRow([(index + 1).ToString(CultureInfo.InvariantCulture), .. columns.Select(c => Markup.Escape(string.Join("\n", runs.Values.Select(epochs => c.Cell(epochs[index])))))]);
        console.Write(table);
        console.MarkupLine($"verdict: {Markup.Escape(verdict)}");
        console.MarkupLine(failures.Count == 0
            ? $"[green]passed[/] {Markup.Escape(spec.Name)}"
            : $"[red]failed[/] {Markup.Escape(spec.Name)}: {Markup.Escape(string.Join("; ", failures))}");
        console.WriteLine();
    }

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
