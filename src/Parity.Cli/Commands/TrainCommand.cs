using System.CommandLine;
using Parity.Cli.Output;
using Parity.Cli.Sharding;
using Parity.Harness.Pipeline;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;

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

    public static Command Create(GlobalOptions globals, TextWriter output)
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
        command.SetAction(parse => Run(new TrainRequest(Specs: parse.GetValue(specArgument)!, Shard: globals.ShardOf(parse), Engine: globals.EngineOf(parse), Side: parse.GetValue(sideOption)!,
            Json: parse.GetValue(jsonOption), Seeds: parse.GetValue(seedsOption), Margin: parse.GetValue(marginOption), Readme: parse.GetValue(readmeOption), TeacherForcing: parse.GetValue(forcingOption)), output));
        return command;
    }

    static int Run(TrainRequest request, TextWriter output)
    {
        var (specPath, shard, engineChoice, side, jsonPath, seeds, margin, readmePath, teacherForcing) = request;
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
        var progress = new ConsoleProgress(console);
        var outcomes = specs.Select(spec =>
        {
            using var threads = Backends.ThreadsFor(spec);
            var data = DatasetLoader.Load(spec);
            var backends = Backends.Pair(engine, spec);
            return side switch
            {
                EngineSide => SpecTraining.Alone(spec, data, Sides.Engine, engine.Create, Backends.InitialParameters, progress),
                ReferenceSide => SpecTraining.Alone(spec, data, Sides.Twin, Backends.Reference, Backends.InitialParameters, progress),
                _ when seeds > 1 && spec.Grid is null => SpecTraining.Seeds(spec, data, backends, seeds, margin, progress),
                _ when teacherForcing => SpecTraining.Forced(spec, data, backends, progress),
                _ => SpecTraining.Both(spec, data, backends, progress),
            };
        }).ToList();
        var reports = outcomes.Select(TrainOutput.Report).ToList();
        var report = new TrainReport(reports.All(r => r.Passed), engine.Name, Backends.ReferenceName, part, reports);
        if (jsonFile is not null)
            AtomicFile.Write(jsonFile, Json.Serialize(report));
        if (readme is not null)
            ReadmeSection.Replace(readme, "train", ResultsTable.Markdown(specs.Zip(reports).ToList()));
        return report.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }
}
