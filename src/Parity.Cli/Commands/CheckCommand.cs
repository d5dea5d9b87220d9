using System.CommandLine;
using Parity.Cli.Output;
using Parity.Cli.Reports;
using Parity.Cli.Sharding;
using Parity.Harness.Pipeline;
using Parity.Spec;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary><c>parity check SPEC|DIR [--engine builtin|PATH.dll] [--json FILE] [--dump DIR]</c>: is the engine's gradient right, and if not, where and why.</summary>
public static class CheckCommand
{
    public static Command Create(GlobalOptions globals, TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file, or a folder of them" };
        var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file" };
        var dumpOption = new Option<string?>("--dump") { Description = "Write parameters, batch and both engines' gradients as safetensors to this folder" };
        var baselineOption = new Option<string?>("--baseline") { Description = "Also train in lockstep and fail on regressions against this baseline (parity baseline)" };
        var factorOption = RegressionCheck.FactorOption();
        var marginOption = RegressionCheck.MarginOption();
        var command = new Command("check", "Compare the engine's gradients and updates with TorchSharp's, and check both by finite differences") { specArgument, jsonOption, dumpOption, baselineOption, factorOption, marginOption };
        command.SetAction(parse => Run(new CheckRequest(Specs: parse.GetValue(specArgument)!, Shard: globals.ShardOf(parse), Engine: globals.EngineOf(parse), Json: parse.GetValue(jsonOption),
            Dump: parse.GetValue(dumpOption), Baseline: parse.GetValue(baselineOption), Factor: parse.GetValue(factorOption), Margin: parse.GetValue(marginOption)), output));
        return command;
    }

    static int Run(CheckRequest request, TextWriter output)
    {
        var (specPath, shard, engineChoice, jsonPath, dumpPath, baselinePath, factor, margin) = request;
        var jsonFile = jsonPath is null ? null : AtomicFile.ClaimJson(jsonPath);
        using var dumpFolder = dumpPath is null ? null : OutputFolder.Claim(dumpPath, "--dump");
        var baseline = baselinePath is null ? null : Baseline.Read(baselinePath);
        var (specs, part) = shard.Part(specPath);
        var engine = Backends.Resolve(engineChoice);
        var console = Terminal.On(output);
        Terminal.Sides(console, engine);
        if (baseline is not null)
            return AgainstBaseline(specs, engine, baseline, factor, margin, console);
        var progress = new ConsoleProgress(console);
        var results = specs.Select(spec =>
        {
            using var threads = Backends.ThreadsFor(spec);
            return SpecEvaluation.Check(spec, DatasetLoader.Load(spec), Backends.Pair(engine, spec), progress);
        }).ToList();
        if (dumpFolder is not null)
        {
            foreach (var result in results)
                CheckDump.Write(Directory.Exists(specPath) ? Path.Combine(dumpFolder.Staging, result.Spec.Name) : dumpFolder.Staging, result);
            dumpFolder.Commit();
        }
        var report = new CheckReport(results.All(r => r.Passed), engine.Name, Backends.ReferenceName, part, results.Select(CheckSpecReport.From).ToList());
        if (jsonFile is not null)
            AtomicFile.Write(jsonFile, Json.Serialize(report));
        return report.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }

    /// <summary>Regression mode: each spec evaluated in full and compared with its baseline; the Markdown summary goes to GitHub's job summary too.</summary>
    static int AgainstBaseline(IReadOnlyList<ParitySpec> specs, EngineUnderTest engine, Baseline baseline, double factor, double margin, IAnsiConsole console)
    {
        var regressions = new RegressionCheck(baseline, factor, margin, console);
        regressions.CheckCovers(engine.Name, specs.Select(s => s.Name));
        var progress = new ConsoleProgress(console, partOfReport: true);
        foreach (var spec in specs)
            regressions.Judge(SpecResults.Evaluate(spec, engine, progress));
        return regressions.Publish();
    }
}
