using System.CommandLine;
using Parity.Cli.Output;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary>
/// <c>parity train SPEC|DIR [--engine engine|twin|both] [--json FILE]</c>: trains per the spec —
/// both engines in lockstep by default, every setting of a grid — and prints per-epoch figures and the verdict.
/// </summary>
public static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file, or a folder of them" };
        var engineOption = new Option<string>("--engine") { Description = "Which engine trains; both trains them in lockstep", DefaultValueFactory = _ => Backends.Both };
        engineOption.AcceptOnlyFromAmong(Backends.Engine, Backends.Twin, Backends.Both);
        var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file" };

        var command = new Command("train", "Train per the spec and print train, validation and test figures per epoch") { specArgument, engineOption, jsonOption };
        command.SetAction(parse => Run(parse.GetValue(specArgument)!, parse.GetValue(engineOption)!, parse.GetValue(jsonOption), output));
        return command;
    }

    static int Run(string specPath, string engines, string? jsonPath, TextWriter output)
    {
        var jsonFile = jsonPath is null ? null : AtomicFile.CheckWritable(jsonPath);
        var specs = SpecLoader.LoadAll(specPath);
        var console = Terminal.On(output);
        var reports = specs.Select(spec => engines != Backends.Both ? Alone(spec, engines, console)
            : spec.Grid is not null ? Grid(spec, console)
            : Lockstep(spec, console)).ToList();
        var report = new TrainReport(reports.All(r => r.Passed), reports);
        if (jsonFile is not null)
            AtomicFile.Write(jsonFile, Json.Serialize(report));
        return report.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }

    static TrainSpecReport Lockstep(ParitySpec spec, IAnsiConsole console)
    {
        var data = DatasetLoader.Load(spec);
        var trainer = new LockstepTrainer(spec, data);
        var initial = Backends.InitialParameters(spec);
        using var engine = Backends.Create(Backends.Engine, spec, initial);
        using var twin = Backends.Create(Backends.Twin, spec, initial);
        var result = Terminal.WithProgress(console, $"{spec.Name} (lockstep)", trainer.TotalSteps, tick => trainer.Train(engine, twin, tick));
        return TrainOutput.Lockstep(console, spec, data, result);
    }

    static TrainSpecReport Grid(ParitySpec spec, IAnsiConsole console)
    {
        var data = DatasetLoader.Load(spec);
        var study = new GridStudy(spec, data);
        var initial = Backends.InitialParameters(spec);
        var result = Terminal.WithProgress(console, $"{spec.Name} (grid of {spec.Grid!.Optimizers.Count}, lockstep)", study.TotalSteps,
            tick => study.Run(variant => (Backends.Create(Backends.Engine, variant, initial), Backends.Create(Backends.Twin, variant, initial)), tick));
        return TrainOutput.Grid(console, spec, data, result);
    }

    static TrainSpecReport Alone(ParitySpec spec, string name, IAnsiConsole console)
    {
        var data = DatasetLoader.Load(spec);
        var trainer = new Trainer(spec, data);
        using var backend = Backends.Create(name, spec, Backends.InitialParameters(spec));
        var epochs = Terminal.WithProgress(console, $"{spec.Name} ({name})", trainer.TotalSteps, tick => trainer.Train([backend], (_, _, _) => tick())[0]);
        return TrainOutput.Alone(console, spec, data, name, epochs);
    }
}
