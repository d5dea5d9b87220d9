using System.CommandLine;
using Parity.Cli.Output;
using Parity.Cli.Reports;
using Parity.Cli.Sharding;
using Parity.Spec;

namespace Parity.Cli.Commands;

/// <summary><c>parity baseline SPEC|DIR --out FILE [--engine builtin|PATH.dll]</c>: records the figures a later <c>parity check --baseline FILE</c> compares with.</summary>
public static class BaselineCommand
{
    public static Command Create(GlobalOptions globals, TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file, or a folder of them" };
        var outOption = new Option<string>("--out") { Description = "The baseline file to write", Required = true };
        var command = new Command("baseline", "Record gradient errors and curve verdicts for regression checks") { specArgument, outOption };
        command.SetAction(parse => Run(new BaselineRequest(Specs: parse.GetValue(specArgument)!, Shard: globals.ShardOf(parse), Engine: globals.EngineOf(parse), Out: parse.GetValue(outOption)!), output));
        return command;
    }

    static int Run(BaselineRequest request, TextWriter output)
    {
        var file = AtomicFile.ClaimJson(request.Out);
        var (specs, part) = request.Shard.Part(request.Specs);
        var engine = Backends.Resolve(request.Engine);
        var console = Terminal.On(output);
        Terminal.Sides(console, engine);
        var progress = new ConsoleProgress(console, partOfReport: true);
        var results = specs.Select(spec => SpecResults.Evaluate(spec, engine, progress)).ToList();
        AtomicFile.Write(file, Json.Serialize(new Baseline(engine.Name, results.Select(BaselineSpec.From).ToList(), part)));
        return results.All(r => r.Passed) ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }
}
