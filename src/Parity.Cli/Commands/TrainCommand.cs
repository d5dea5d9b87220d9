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
        var engineOption = new Option<string>("--engine")
        {
            Description = $"Which engine trains; both trains them in lockstep; {ExecEngine.Prefix}COMMAND trains an engine in another process in lockstep with the twin",
            DefaultValueFactory = _ => Backends.Both,
        };
        engineOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } engine && engine is not (Backends.Engine or Backends.Twin or Backends.Both) && !ExecEngine.Names(engine))
                result.AddError($"--engine takes {Backends.Engine}, {Backends.Twin}, {Backends.Both} or {ExecEngine.Prefix}COMMAND; got '{engine}'");
        });
        var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file" };
        var seedsOption = NumberOption.Create("--seeds", "Train with K seeds (init and batch order) and test the engines' final figures for equivalence",
            (int k) => k is >= 1 and <= 1000, "--seeds takes a whole number from 1 to 1000 (2 or more for statistics)", fallback: 1);
        var marginOption = NumberOption.Create("--margin", "Equivalence margin with --seeds: absolute for accuracy, relative to the mean for loss",
            (double m) => m is > 0 and < 1, "--margin takes a number between 0 and 1, e.g. 0.01", fallback: 0.01);

        var readmeOption = new Option<string?>("--readme") { Description = "Write the results table into this Markdown file, between <!-- parity:train:begin --> and <!-- parity:train:end -->" };

        var command = new Command("train", "Train per the spec and print train, validation and test figures per epoch") { specArgument, engineOption, jsonOption, seedsOption, marginOption, readmeOption };
        command.SetAction(parse => Run(parse.GetValue(specArgument)!, parse.GetValue(engineOption)!, parse.GetValue(jsonOption), parse.GetValue(seedsOption), parse.GetValue(marginOption), parse.GetValue(readmeOption), output));
        return command;
    }

    static int Run(string specPath, string engines, string? jsonPath, int seeds, double margin, string? readmePath, TextWriter output)
    {
        var jsonFile = jsonPath is null ? null : AtomicFile.CheckWritable(jsonPath);
        var readme = readmePath is null ? null : ReadmeSection.CheckUpdatable(readmePath, "train");
        // An engine in another process is always held against the twin, like the built-in one with 'both'.
        var (underTest, lockstep) = ExecEngine.Names(engines) ? (engines, true) : (Backends.Engine, engines == Backends.Both);
        if (seeds > 1 && !lockstep)
            throw new InputException("--seeds compares the two engines; leave out --engine (or pass --engine both)");
        var specs = SpecLoader.LoadAll(specPath);
        var console = Terminal.On(output);
        var reports = specs.Select(spec => !lockstep ? Alone(spec, engines, console)
            : seeds > 1 && spec.Grid is null ? Seeds(spec, seeds, margin, console, underTest)
            : TrainBoth(spec, console, underTest)).ToList();
        var report = new TrainReport(reports.All(r => r.Passed), reports);
        if (jsonFile is not null)
            AtomicFile.Write(jsonFile, Json.Serialize(report));
        if (readme is not null)
            ReadmeSection.Replace(readme, "train", ResultsTable.Markdown(specs.Zip(reports).ToList()));
        return report.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }

    /// <summary>Both engines in lockstep — once, or once per setting of the spec's grid — printed.</summary>
    public static TrainSpecReport TrainBoth(ParitySpec spec, IAnsiConsole console, string underTest = Backends.Engine) =>
        spec.Grid is not null ? Grid(spec, console, underTest) : Lockstep(spec, console, underTest);

    static TrainSpecReport Lockstep(ParitySpec spec, IAnsiConsole console, string underTest)
    {
        var data = DatasetLoader.Load(spec);
        var trainer = new LockstepTrainer(spec, data);
        var initial = Backends.InitialParameters(spec);
        using var engine = Backends.Create(underTest, spec, initial);
        using var twin = Backends.Create(Backends.Twin, spec, initial);
        var result = Terminal.WithProgress(console, $"{spec.Name} (lockstep)", trainer.TotalSteps, tick => trainer.Train(engine, twin, tick));
        return TrainOutput.Lockstep(console, spec, data, result);
    }

    /// <summary>K lockstep runs on the spec's data, seeds spec.Seed, spec.Seed + 1, … for init and batch order.</summary>
    static TrainSpecReport Seeds(ParitySpec spec, int count, double margin, IAnsiConsole console, string underTest)
    {
        var data = DatasetLoader.Load(spec);
        var variants = Enumerable.Range(0, count).Select(i => spec with { Seed = spec.Seed + i }).ToList();
        var results = Terminal.WithProgress(console, $"{spec.Name} ({count} seeds, lockstep)", new LockstepTrainer(spec, data).TotalSteps * count, tick =>
            variants.Select(variant =>
            {
                var initial = Backends.InitialParameters(variant);
                using var engine = Backends.Create(underTest, variant, initial);
                using var twin = Backends.Create(Backends.Twin, variant, initial);
                return new LockstepTrainer(variant, data).Train(engine, twin, tick);
            }).ToList());
        return TrainOutput.Seeds(console, spec, data, variants, results, margin);
    }

    static TrainSpecReport Grid(ParitySpec spec, IAnsiConsole console, string underTest)
    {
        var data = DatasetLoader.Load(spec);
        var study = new GridStudy(spec, data);
        var initial = Backends.InitialParameters(spec);
        var result = Terminal.WithProgress(console, $"{spec.Name} (grid of {spec.Grid!.Optimizers.Count}, lockstep)", study.TotalSteps,
            tick => study.Run(variant => (Backends.Create(underTest, variant, initial), Backends.Create(Backends.Twin, variant, initial)), tick));
        return TrainOutput.Grid(console, spec, data, result);
    }

    static TrainSpecReport Alone(ParitySpec spec, string name, IAnsiConsole console)
    {
        var data = DatasetLoader.Load(spec);
        var trainer = new Trainer(spec, data);
        using var backend = Backends.Create(name, spec, Backends.InitialParameters(spec));
        var watch = new NonFiniteWatch(spec);
        var epochs = Terminal.WithProgress(console, $"{spec.Name} ({name})", trainer.TotalSteps, tick => trainer.Train([backend], (step, epoch, losses) =>
        {
            // The parameters are copied out only until the first NaN/Inf: that step is all the watch reports.
            if (watch.First is null)
                watch.Observe(step, epoch, [name], losses, [backend.GetParameters()]);
            tick();
        })[0]);
        return TrainOutput.Alone(console, spec, data, name, epochs, watch.First);
    }
}
