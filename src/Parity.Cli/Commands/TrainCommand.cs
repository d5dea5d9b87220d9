using System.CommandLine;
using Parity.Cli.Output;
using Parity.Cli.Sharding;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary>
/// <c>parity train SPEC|DIR [--engine builtin|PATH.dll] [--side engine|reference|both] [--teacher-forcing] [--json FILE]</c>: trains
/// per the spec — the engine under test and the reference in lockstep by default, every setting of a
/// grid — and prints per-epoch figures and the verdict; with <c>--teacher-forcing</c>, also a run in which
/// every step of the engine starts from the reference's parameters and optimizer state.
/// </summary>
public static class TrainCommand
{
    /// <summary>The values of <c>--side</c>.</summary>
    const string EngineSide = "engine", ReferenceSide = "reference", Both = "both";

    public static Command Create(TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file, or a folder of them" };
        var sideOption = new Option<string>("--side") { Description = "Which side trains: the engine under test, the TorchSharp reference, or both in lockstep", DefaultValueFactory = _ => Both };
        sideOption.AcceptOnlyFromAmong(EngineSide, ReferenceSide, Both);
        var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file" };
        var seedsOption = NumberOption.Create("--seeds", "Train with K seeds (init and batch order) and test the engines' final figures for equivalence",
            (int k) => k is >= 1 and <= 1000, "--seeds takes a whole number from 1 to 1000 (2 or more for statistics)", fallback: 1);
        var marginOption = NumberOption.Create("--margin", "Equivalence margin with --seeds: absolute for accuracy, relative to the mean for loss",
            (double m) => m is > 0 and < 1, "--margin takes a number between 0 and 1, e.g. 0.01", fallback: 0.01);

        var readmeOption = new Option<string?>("--readme") { Description = "Write the results table into this Markdown file, between <!-- parity:train:begin --> and <!-- parity:train:end -->" };

        var forcingOption = new Option<bool>("--teacher-forcing")
        {
            Description = "Also train with the engine set to the reference's parameters and optimizer state before every step, and name the first step whose own update differs (needs IOptimizerState), or whose gradient already does: TorchSharp's optimizer steps on the engine's gradients",
        };

        var command = new Command("train", "Train per the spec and print train, validation and test figures per epoch") { specArgument, sideOption, jsonOption, seedsOption, marginOption, readmeOption, forcingOption };
        command.SetAction(parse => Run(parse.GetValue(specArgument)!, parse.GetValue<Shard>(Shard.OptionName)!, parse.GetValue<string>(Backends.EngineOption)!, parse.GetValue(sideOption)!, parse.GetValue(jsonOption), parse.GetValue(seedsOption), parse.GetValue(marginOption), parse.GetValue(readmeOption),
            parse.GetValue(forcingOption), output));
        return command;
    }

    static int Run(string specPath, Shard shard, string engineChoice, string side, string? jsonPath, int seeds, double margin, string? readmePath, bool teacherForcing, TextWriter output)
    {
        if (teacherForcing && (side != Both || seeds > 1))
            throw new InputException("--teacher-forcing sets the engine under test to the reference at every step of one lockstep run; leave out --side and --seeds");
        var jsonFile = jsonPath is null ? null : AtomicFile.ClaimJson(jsonPath);
        var readme = readmePath is null ? null : ReadmeSection.CheckUpdatable(readmePath, "train");
        if (seeds > 1 && side != Both)
            throw new InputException("--seeds compares the two sides; leave out --side (or pass --side both)");
        var (specs, part) = shard.Part(specPath);
        if (teacherForcing && specs.FirstOrDefault(s => s.Grid is not null) is { } grid)
            throw new InputException($"{grid.Name}: --teacher-forcing runs one optimizer setting, and this spec has a grid; train it without --teacher-forcing, or remove its grid");
        var engine = Backends.Resolve(engineChoice);
        var console = Terminal.On(output);
        Terminal.Sides(console, engine);
        var reports = specs.Select(spec => side switch
        {
            EngineSide => Alone(spec, Sides.Engine, engine.Create, console),
            ReferenceSide => Alone(spec, Sides.Twin, Backends.Reference, console),
            _ when seeds > 1 && spec.Grid is null => Seeds(spec, engine, seeds, margin, console),
            _ when teacherForcing => Forced(spec, DatasetLoader.Load(spec), engine, console),
            _ => TrainBoth(spec, DatasetLoader.Load(spec), engine, console),
        }).ToList();
        var report = new TrainReport(reports.All(r => r.Passed), engine.Name, Backends.ReferenceName, part, reports);
        if (jsonFile is not null)
            AtomicFile.Write(jsonFile, Json.Serialize(report));
        if (readme is not null)
            ReadmeSection.Replace(readme, "train", ResultsTable.Markdown(specs.Zip(reports).ToList()));
        return report.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }

    /// <summary>The engine under test and the reference in lockstep — once, or once per setting of the spec's grid — printed.</summary>
    public static TrainSpecReport TrainBoth(ParitySpec spec, Dataset data, EngineUnderTest engine, IAnsiConsole console) =>
        spec.Grid is not null ? Grid(spec, data, engine, console) : Lockstep(spec, data, engine, console);

    static TrainSpecReport Lockstep(ParitySpec spec, Dataset data, EngineUnderTest engine, IAnsiConsole console)
    {
        var trainer = new LockstepTrainer(spec, data);
        var initial = Backends.InitialParameters(spec);
        var model = ModelDescriptions.Describe(spec);
        using var tested = engine.Create(model, initial);
        using var twin = Backends.Reference(model, initial);
        var result = Terminal.WithProgress(console, $"{spec.Name} (lockstep)", trainer.TotalSteps, tick => trainer.Train(tested, twin, tick));
        return TrainOutput.Lockstep(console, spec, data, result);
    }

    /// <summary>The teacher-forced run, then the lockstep run on fresh backends from the same initial parameters; the spec fails if either does.</summary>
    static TrainSpecReport Forced(ParitySpec spec, Dataset data, EngineUnderTest engine, IAnsiConsole console)
    {
        // Forced first: an engine that cannot be forced is told so before a whole lockstep run.
        var forcing = TeacherForced(spec, data, engine, console, required: true)!;
        return WithTeacherForcing(Lockstep(spec, data, engine, console), forcing);
    }

    /// <summary>
    /// The teacher-forced run, printed. An engine without IOptimizerState, or one that cannot set its state (an exec
    /// engine that declines set_optimizer_state), cannot be forced: an input error when the user asked for forcing
    /// (<paramref name="required"/>), else null.
    /// </summary>
    public static TeacherForcingReport? TeacherForced(ParitySpec spec, Dataset data, EngineUnderTest engine, IAnsiConsole console, bool required)
    {
        var forcing = new TeacherForcing(spec, data);
        var initial = Backends.InitialParameters(spec);
        var model = ModelDescriptions.Describe(spec);
        using var tested = engine.Create(model, initial);
        if (tested is not IOptimizerState)
            return required ? throw new InputException(TeacherForcing.NeedsState(engine.Name)) : null;
        using var twin = Backends.Reference(model, initial);
        TeacherForcingResult result;
        try
        {
            result = Terminal.WithProgress(console, $"{spec.Name} (teacher forcing)", forcing.TotalSteps, tick => forcing.Train(tested, twin, tick));
        }
        catch (NotSupportedException refused)
        {
            return required ? throw new InputException(refused.Message) : null;
        }
        return TrainOutput.TeacherForcing(console, spec, result);
    }

    /// <summary>A lockstep report with its teacher-forced run: it fails if either does.</summary>
    public static TrainSpecReport WithTeacherForcing(TrainSpecReport lockstep, TeacherForcingReport forcing) => lockstep with
    {
        Passed = lockstep.Passed && forcing.Passed,
        Failures = forcing.Passed ? lockstep.Failures : [.. lockstep.Failures, $"teacher forcing: {forcing.Verdict}"],
        TeacherForcing = forcing,
    };

    /// <summary>K lockstep runs on the spec's data, seeds spec.Seed, spec.Seed + 1, … for init and batch order.</summary>
    static TrainSpecReport Seeds(ParitySpec spec, EngineUnderTest engine, int count, double margin, IAnsiConsole console)
    {
        var data = DatasetLoader.Load(spec);
        var variants = Enumerable.Range(0, count).Select(i => spec with { Seed = spec.Seed + i }).ToList();
        var results = Terminal.WithProgress(console, $"{spec.Name} ({count} seeds, lockstep)", new LockstepTrainer(spec, data).TotalSteps * count, tick =>
            variants.Select(variant =>
            {
                var initial = Backends.InitialParameters(variant);
                var model = ModelDescriptions.Describe(variant);
                using var tested = engine.Create(model, initial);
                using var twin = Backends.Reference(model, initial);
                return new LockstepTrainer(variant, data).Train(tested, twin, tick);
            }).ToList());
        return TrainOutput.Seeds(console, spec, data, variants, results, margin);
    }

    static TrainSpecReport Grid(ParitySpec spec, Dataset data, EngineUnderTest engine, IAnsiConsole console)
    {
        var study = new GridStudy(spec, data);
        var initial = Backends.InitialParameters(spec);
        var result = Terminal.WithProgress(console, $"{spec.Name} (grid of {spec.Grid!.Optimizers.Count}, lockstep)", study.TotalSteps,
            tick => study.Run(engine.Create, Backends.Reference, initial, tick));
        return TrainOutput.Grid(console, spec, data, result);
    }

    /// <summary>One side trained by itself, named <paramref name="name"/> in the figures.</summary>
    static TrainSpecReport Alone(ParitySpec spec, string name, BackendFactory create, IAnsiConsole console)
    {
        var data = DatasetLoader.Load(spec);
        var trainer = new Trainer(spec, data);
        using var backend = create(ModelDescriptions.Describe(spec), Backends.InitialParameters(spec));
        var watch = new NonFiniteWatch(spec);
        var epochs = Terminal.WithProgress(console, $"{spec.Name} ({name})", trainer.TotalSteps, tick => trainer.Train([backend], (step, epoch, losses, _) =>
        {
            // The parameters are copied out only until the first NaN/Inf: that step is all the watch reports.
            if (watch.First is null)
                watch.Observe(step, epoch, [name], losses, [backend.GetParameters()]);
            tick();
        })[0]);
        return TrainOutput.Alone(console, spec, data, name, epochs, watch.First);
    }
}
