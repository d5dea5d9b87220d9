using System.CommandLine;
using Parity.Cli.Reports;
using Parity.Cli.Sharding;
using Parity.Harness.Shrinking;

namespace Parity.Cli.Commands;

/// <summary>
/// <c>parity report SPEC|DIR --out DIR [--engine builtin|exec:COMMAND|PATH.dll] [--shrink-seconds S]</c>: every check of
/// each spec in one report per spec (report.md, report.html, result.json, junit.xml) and an index over
/// them, naming the engine under test and the reference (<see cref="ReportRun"/>).
/// </summary>
public static class ReportCommand
{
    public static Command Create(GlobalOptions globals, TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file, or a folder of them" };
        var outOption = new Option<string>("--out") { Description = "The folder to write the reports to", Required = true };
        var shrinkOption = NumberOption.Create("--shrink-seconds", $"For a spec whose check fails, shrink it for at most this many seconds into the report's {Reproduction.Folder}/ (default 120; 0: do not shrink)",
            (double s) => s is >= 0 and <= 86_400, "--shrink-seconds takes seconds from 0 to 86400, e.g. 120", fallback: new ShrinkBudget().MaxSeconds);
        var command = new Command("report", "Check, train in lockstep and write a report per spec with an index") { specArgument, outOption, shrinkOption };
        command.SetAction(parse =>
        {
            var seconds = parse.GetValue(shrinkOption);
            return ReportRun.Run(new ReportRequest(Specs: parse.GetValue(specArgument)!, Shard: globals.ShardOf(parse), Engine: globals.EngineOf(parse), Out: parse.GetValue(outOption)!,
                Shrink: seconds > 0 ? new ShrinkBudget(MaxSeconds: seconds) : null), output);
        });
        return command;
    }
}
