using System.CommandLine;
using Parity.Cli.Output;
using Parity.Engine;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary><c>parity train SPEC|DIR [--engine engine] [--json FILE]</c>: trains per the spec and prints per-epoch figures.</summary>
public static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file, or a folder of them" };
        var engineOption = new Option<string>("--engine") { Description = "Which engine trains", DefaultValueFactory = _ => "engine" };
        engineOption.AcceptOnlyFromAmong("engine");
        var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file" };

        var command = new Command("train", "Train per the spec and print train, validation and test figures per epoch") { specArgument, engineOption, jsonOption };
        command.SetAction(parse => Run(parse.GetValue(specArgument)!, parse.GetValue(jsonOption), output));
        return command;
    }

    static int Run(string specPath, string? jsonPath, TextWriter output)
    {
        var jsonFile = jsonPath is null ? null : AtomicFile.CheckWritable(jsonPath);
        var specs = SpecLoader.LoadAll(specPath);
        var console = Terminal.On(output);
        var reports = specs.Select(spec => TrainOne(spec, console)).ToList();
        var report = new TrainReport(reports.All(r => r.Passed), reports);
        if (jsonFile is not null)
            AtomicFile.Write(jsonFile, Json.Serialize(report));
        return report.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }

    static TrainSpecReport TrainOne(ParitySpec spec, IAnsiConsole console)
    {
        var data = DatasetLoader.Load(spec);
        var trainer = new Trainer(spec, data);
        using var engine = EngineBackend.Create(spec, InitialParameters.Create(spec));
        var epochs = Terminal.WithProgress(console, $"{spec.Name} (engine)", trainer.StepsPerEpoch * spec.Train.Epochs,
            tick => trainer.Train(engine, tick));
        var missed = Expectations.Missed(spec.Expect, epochs);

        Print(console, spec, data, epochs, missed);
        return new TrainSpecReport(
            spec.Name, spec.DType.ToString().ToLowerInvariant(), missed.Count == 0,
            Verdict: missed.Count == 0 ? "engine only: trained as expected" : "engine only: expectation missed",
            missed,
            epochs.Select(e => new TrainEpochReport(e.Epoch, Side(e), null)).ToList(),
            MaxLossDiff: null, MaxParamDrift: null, FirstDivergence: null);
    }

    static EngineEpochReport Side(EpochMetrics e) =>
        new(e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy, e.TestLoss, e.TestAccuracy);

    static void Print(IAnsiConsole console, ParitySpec spec, Dataset data, IReadOnlyList<EpochMetrics> epochs, IReadOnlyList<string> missed)
    {
        var table = new Table()
            .Title($"{spec.Name} · engine · {spec.DType.ToString().ToLowerInvariant()} · seed {spec.Seed}")
            .Caption($"{data.Train.Rows} train, {data.Validation?.Rows ?? 0} validation, {data.Test.Rows} test rows");
        table.AddColumns("epoch", "train loss", "train acc");
        if (data.Validation is not null)
            table.AddColumns("val loss", "val acc");
        table.AddColumns("test loss", "test acc");
        foreach (var e in Figures.Sample(epochs))
        {
            var cells = new List<string> { e.Epoch.ToString(), Figures.Loss(e.TrainLoss), Figures.Accuracy(e.TrainAccuracy) };
            if (data.Validation is not null)
                cells.AddRange([Figures.Loss(e.ValidationLoss), Figures.Accuracy(e.ValidationAccuracy)]);
            cells.AddRange([Figures.Loss(e.TestLoss), Figures.Accuracy(e.TestAccuracy)]);
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
        console.MarkupLine(missed.Count == 0
            ? $"[green]passed[/] {Markup.Escape(spec.Name)}"
            : $"[red]failed[/] {Markup.Escape(spec.Name)}: {Markup.Escape(string.Join("; ", missed))}");
        console.WriteLine();
    }
}
