using System.CommandLine;
using Parity.Cli.Examples;
using Parity.Cli.Reports;
using Parity.Cli.Sharding;
using Parity.Harness.Shrinking;
using Parity.Spec;

namespace Parity.Cli.Commands;

/// <summary>
/// <c>parity suite [--out DIR] [--readme FILE] [--examples-only]</c>: the built-in suite end to end — a report per spec, and one per
/// example engine with its planted bug, which must be caught (<see cref="ReportRun"/>); writing the committed reports,
/// also their wall seconds into the suite's cost file.
/// </summary>
public static class SuiteCommand
{
    public const string Specs = "parity-tests/specs", Reports = "reports";

    public static Command Create(GlobalOptions globals, TextWriter output)
    {
        var outOption = new Option<string>("--out") { Description = "The folder to write the reports to", DefaultValueFactory = _ => Reports };
        var readmeOption = new Option<string?>("--readme") { Description = "Also write the results table into this Markdown file, between <!-- parity:train:begin --> and <!-- parity:train:end -->" };
        var examplesOnlyOption = new Option<bool>(ExamplesAside.OptionName) { Description = "Take the example engines' reports alone: what the suite runs in a second process beside the specs' reports" };
        var command = new Command("suite", $"Run the built-in suite ({Specs}) end to end and write its reports (default: {Reports}/; writing it, also the reports' wall seconds to {Specs}/{SpecCosts.FileName})") { outOption, readmeOption, examplesOnlyOption };
        command.SetAction(parse =>
        {
            if (!Directory.Exists(Specs))
                throw new InputException($"{Path.GetFullPath(Specs)}: the built-in suite is not here; run parity suite from the repository's root");
            var outPath = parse.GetValue(outOption)!;
            var examplesOnly = parse.GetValue(examplesOnlyOption);
            // Only the suite writing the committed reports refreshes the committed costs; one into another folder (a test, a CI shard) changes nothing in the checkout.
            return ReportRun.Run(new ReportRequest(Specs: Specs, Shard: globals.ShardOf(parse), Engine: globals.EngineOf(parse), Out: outPath, Readme: parse.GetValue(readmeOption),
                Examples: ExampleEngines.WithBugs, Shrink: SuiteShrink, ExamplesOnly: examplesOnly, ExamplesAside: !examplesOnly,
                RefreshCosts: Path.GetFullPath(outPath) == Path.GetFullPath(Reports)), output);
        });
        return command;
    }

    /// <summary>
    /// The suite's shrink budget: tries alone, no clock, so that the example engines' reproductions
    /// come out the same on a loaded machine and the committed reports can be compared with a fresh run.
    /// </summary>
    static readonly ShrinkBudget SuiteShrink = new(MaxTries: 60, MaxSeconds: double.PositiveInfinity);
}
