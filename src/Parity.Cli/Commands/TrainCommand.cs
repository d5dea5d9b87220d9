using System.CommandLine;
using Parity.Cli.Output;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary><c>parity train SPEC|DIR [--engine engine|twin|both] [--json FILE]</c>: trains per the spec and prints per-epoch figures.</summary>
public static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file, or a folder of them" };
        var engineOption = new Option<string>("--engine") { Description = "Which engine trains", DefaultValueFactory = _ => Backends.Both };
        engineOption.AcceptOnlyFromAmong(Backends.Engine, Backends.Twin, Backends.Both);
        var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file" };

        var command = new Command("train", "Train per the spec and print train, validation and test figures per epoch") { specArgument, engineOption, jsonOption };
        command.SetAction(parse => Run(parse.GetValue(specArgument)!, Backends.Selected(parse.GetValue(engineOption)!), parse.GetValue(jsonOption), output));
        return command;
    }

    static int Run(string specPath, IReadOnlyList<string> engines, string? jsonPath, TextWriter output)
    {
        var jsonFile = jsonPath is null ? null : AtomicFile.CheckWritable(jsonPath);
        var specs = SpecLoader.LoadAll(specPath);
        var console = Terminal.On(output);
        var reports = specs.Select(spec => TrainOne(spec, engines, console)).ToList();
        var report = new TrainReport(reports.All(r => r.Passed), reports);
        if (jsonFile is not null)
            AtomicFile.Write(jsonFile, Json.Serialize(report));
        return report.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }

    static TrainSpecReport TrainOne(ParitySpec spec, IReadOnlyList<string> engines, IAnsiConsole console)
    {
        var data = DatasetLoader.Load(spec);
        var trainer = new Trainer(spec, data);
        var initial = Backends.InitialParameters(spec);
        var runs = engines.ToDictionary(name => name, name =>
        {
            using var backend = Backends.Create(name, spec, initial);
            return Terminal.WithProgress(console, $"{spec.Name} ({name})", trainer.StepsPerEpoch * spec.Train.Epochs, tick => trainer.Train(backend, tick));
        });
        var failures = runs.SelectMany(run => Expectations.Missed(spec.Expect, run.Value).Select(missed => $"{run.Key}: {missed}")).ToList();
        double? maxLossDiff = runs.Count == 2 ? CurveDifference.MaxRelative(runs[Backends.Engine], runs[Backends.Twin]) : null;

        Print(console, spec, data, runs, failures, maxLossDiff);
        return new TrainSpecReport(
            spec.Name, spec.DType.ToString().ToLowerInvariant(), failures.Count == 0,
            Verdict: failures.Count == 0 ? $"{string.Join(" and ", runs.Keys)} trained as expected" : "expectation missed",
            failures,
            Enumerable.Range(0, spec.Train.Epochs).Select(i => new TrainEpochReport(i + 1, Side(runs, Backends.Engine, i), Side(runs, Backends.Twin, i))).ToList(),
            MaxLossDiff: maxLossDiff, MaxParamDrift: null, FirstDivergence: null);
    }

    static EngineEpochReport? Side(Dictionary<string, IReadOnlyList<EpochMetrics>> runs, string engine, int index) =>
        runs.TryGetValue(engine, out var epochs) && epochs[index] is var e
            ? new(e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy, e.TestLoss, e.TestAccuracy)
            : null;

    static void Print(IAnsiConsole console, ParitySpec spec, Dataset data, Dictionary<string, IReadOnlyList<EpochMetrics>> runs, IReadOnlyList<string> failures, double? maxLossDiff)
    {
        var names = string.Join(" / ", runs.Keys);
        var table = new Table()
            .Title($"{spec.Name} · {spec.DType.ToString().ToLowerInvariant()} · seed {spec.Seed}")
            .Caption($"each cell: {names} · {data.Train.Rows} train, {data.Validation?.Rows ?? 0} validation, {data.Test.Rows} test rows");
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
            table.AddRow([(index + 1).ToString(), .. columns.Select(c => Markup.Escape(string.Join("\n", runs.Values.Select(epochs => c.Cell(epochs[index])))))]);
        console.Write(table);
        if (maxLossDiff is { } diff)
            console.MarkupLine($"max relative train-loss difference engine vs twin: {Figures.Loss(diff)}");
        console.MarkupLine(failures.Count == 0
            ? $"[green]passed[/] {Markup.Escape(spec.Name)}"
            : $"[red]failed[/] {Markup.Escape(spec.Name)}: {Markup.Escape(string.Join("; ", failures))}");
        console.WriteLine();
    }
}
