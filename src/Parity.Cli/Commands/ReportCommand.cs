using System.CommandLine;
using System.Diagnostics;
using Parity.Cli.Examples;
using Parity.Cli.Output;
using Parity.Cli.Reports;
using Parity.Cli.Sharding;
using Parity.Harness.Pipeline;
using Parity.Harness.Shrinking;
using Parity.Spec;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary>
/// <c>parity report SPEC|DIR --out DIR [--engine builtin|PATH.dll]</c> and <c>parity suite</c>: every check of
/// each spec in one report per spec (report.md, report.html, result.json, junit.xml) and an index over
/// them, naming the engine under test and the reference.
/// </summary>
public static class ReportCommand
{
    public const string SuiteSpecs = "parity-tests/specs", SuiteReports = "reports";

    public static Command Report(TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file, or a folder of them" };
        var outOption = new Option<string>("--out") { Description = "The folder to write the reports to", Required = true };
        var shrinkOption = NumberOption.Create("--shrink-seconds", $"For a spec whose check fails, shrink it for at most this many seconds into the report's {Reproduction.Folder}/ (default 120; 0: do not shrink)",
            (double s) => s is >= 0 and <= 86_400, "--shrink-seconds takes seconds from 0 to 86400, e.g. 120", fallback: new ShrinkBudget().MaxSeconds);
        var command = new Command("report", "Check, train in lockstep and write a report per spec with an index") { specArgument, outOption, shrinkOption };
        command.SetAction(parse =>
        {
            var seconds = parse.GetValue(shrinkOption);
            return Run(parse.GetValue(specArgument)!, parse.GetValue<Shard>(Shard.OptionName)!, parse.GetValue<string>(Backends.EngineOption)!, parse.GetValue(outOption)!, output,
                shrink: seconds > 0 ? new ShrinkBudget(MaxSeconds: seconds) : null);
        });
        return command;
    }

    public static Command Suite(TextWriter output)
    {
        var outOption = new Option<string>("--out") { Description = "The folder to write the reports to", DefaultValueFactory = _ => SuiteReports };
        var readmeOption = new Option<string?>("--readme") { Description = "Also write the results table into this Markdown file, between <!-- parity:train:begin --> and <!-- parity:train:end -->" };
        // How the suite takes its example engines' reports in a process of their own (ExamplesAside).
        var examplesOnlyOption = new Option<bool>(ExamplesAside.OptionName) { Hidden = true };
        var command = new Command("suite", $"Run the built-in suite ({SuiteSpecs}) end to end and write its reports (default: {SuiteReports}/; writing it, also the reports' wall seconds to {SuiteSpecs}/{SpecCosts.FileName})") { outOption, readmeOption, examplesOnlyOption };
        command.SetAction(parse =>
        {
            if (!Directory.Exists(SuiteSpecs))
                throw new InputException($"{Path.GetFullPath(SuiteSpecs)}: the built-in suite is not here; run parity suite from the repository's root");
            return Run(SuiteSpecs, parse.GetValue<Shard>(Shard.OptionName)!, parse.GetValue<string>(Backends.EngineOption)!, parse.GetValue(outOption)!, output, parse.GetValue(readmeOption), ExampleEngines.WithBugs, SuiteShrink,
                parse.GetValue(examplesOnlyOption) ? ExamplesPlace.Alone : ExamplesPlace.Aside);
        });
        return command;
    }

    /// <summary>
    /// The reports of every spec, and for the suite also of each example engine with its planted bug
    /// (<paramref name="examples"/>), which must fail: a run passes when every spec passes and every
    /// planted bug is caught. With a <paramref name="shard"/> other than 1/1, only its part of them.
    /// The suite writing the committed reports also refreshes the committed cost file with the wall
    /// seconds it measured; a suite into another folder (a test, a CI shard) changes nothing in the checkout.
    /// </summary>
    public static int Run(string specPath, Shard shard, string engineChoice, string outPath, TextWriter output, string? readmePath = null,
        IReadOnlyList<ExampleEngine>? examples = null, ShrinkBudget? shrink = null, ExamplesPlace place = ExamplesPlace.Here)
    {
        var readme = readmePath is null ? null : ReadmeSection.CheckUpdatable(readmePath, "train");
        using var folder = OutputFolder.Claim(outPath, "--out");
        var specs = SpecLoader.LoadAll(specPath);
        var shown = (examples ?? []).Select(example =>
        {
            var spec = SpecLoader.Load(Path.Combine(specPath, $"{example.Spec}.yaml"));
            return (Path: ExampleResult.PathOf(example, spec.Name), Example: example, Spec: spec);
        }).ToList();
        var set = specs.Select(s => s.Name).Concat(shown.Select(e => e.Path)).ToList();
        // One split over the specs' and the examples' reports together: each is one report to place.
        var mine = shard.Members([.. specs.Select(s => (s.Name, s)), .. shown.Select(e => (e.Path, e.Spec))], Shard.CostFolder(specPath));
        var specsHere = place == ExamplesPlace.Alone ? [] : specs.Where(s => mine.Contains(s.Name)).ToList();
        var examplesHere = shown.Where(e => mine.Contains(e.Path)).ToList();
        var engine = Backends.Resolve(engineChoice);
        var console = Terminal.On(output);
        var progress = new ConsoleProgress(console, partOfReport: true);
        if (place != ExamplesPlace.Alone)
            Terminal.Sides(console, engine);
        var seconds = new Dictionary<string, double>();
        // The reports are staged beside the target and swapped in whole at the end, so that an
        // interrupted or failed run leaves the previous reports as they were.
        var staging = folder.Staging;
        var scratch = $"{folder.Target}.scratch-{Environment.ProcessId}";
        try
        {
            // One report at a time in this process: no other thread may run managed code while a twin
            // works (see TorchRuntime.Gate). The suite's examples run meanwhile in a process of their own.
            using var aside = place == ExamplesPlace.Aside && examplesHere.Count > 0 ? ExamplesAside.Start(shard, Path.Combine(scratch, "examples")) : null;
            // Cheapest first: the examples' process runs beside the short specs, and the costliest (the CNN,
            // whose check holds the run's most memory) comes once it is done.
            var costs = SpecCosts.Of([.. specsHere.Select(s => (s.Name, s))], Shard.CostFolder(specPath));
            var done = specsHere.OrderBy(spec => costs[spec.Name])
                .Select(spec => Timed(spec.Name, spec, engine, Stopwatch.StartNew())).ToDictionary(r => r.Spec);
            var results = specsHere.Select(spec => done[spec.Name]).ToList();
            var examplesDone = aside?.Finish([.. examplesHere.Select(e => e.Example)], staging, output).Select(taken =>
                {
                    seconds[taken.Result.Path] = taken.Seconds;
                    return taken.Result;
                })
                ?? examplesHere.Select(shownHere =>
                {
                    var clock = Stopwatch.StartNew();
                    var exampleEngine = Built(shownHere.Example, scratch, console);
                    return new ExampleResult(shownHere.Example, Timed(shownHere.Path, shownHere.Spec, exampleEngine, clock));
                });
            var caught = new List<ExampleResult>();
            foreach (var shownResult in examplesDone)
            {
                caught.Add(shownResult);
                if (!shownResult.Caught)
                    console.MarkupLine($"[red]the planted bug of examples/{Markup.Escape(shownResult.Example.Folder)} ({Markup.Escape(shownResult.Example.Bug)}) was not caught on {Markup.Escape(shownResult.Result.Spec)}[/]");
            }

            // A report into the staging folder at path, its wall seconds counted on clock.
            SpecResult Timed(string path, ParitySpec spec, EngineUnderTest reportEngine, Stopwatch clock)
            {
                var result = Report(spec, reportEngine, Path.Combine(staging, path), shrink, progress);
                seconds[path] = clock.Elapsed.TotalSeconds;
                return result;
            }

            var run = new RunResult(results.All(r => r.Passed) && caught.All(r => r.Caught), engine.Name, Backends.ReferenceName, ShardRecord.Of(shard, set),
                specsHere.Select(s => s.Name).ToList(), examplesHere.Select(e => e.Path).ToList(), seconds);
            var index = ReportIndex.Write(staging, run, results, caught);
            Interruption.Check();
            folder.Commit();
            if (readme is not null)
                ReadmeSection.Replace(readme, "train", ResultsTable.Markdown(specsHere.Zip(results.Select(r => r.Train)).ToList()));
            if (examples is not null && folder.Target == Path.GetFullPath(SuiteReports))
                SpecCosts.Refresh(specPath, seconds, set);
            StepSummary.Append(index);
            if (place != ExamplesPlace.Alone)
                console.MarkupLine($"reports: {Markup.Escape(folder.Target)} ({results.Count(r => r.Passed)} of {results.Count} passed{(shard == Shard.Whole ? "" : $"; shard {shard}")})");
            return run.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
        }
        finally
        {
            if (Directory.Exists(scratch))
                Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Where a run takes its example engines' reports: in this process after the specs', in a process of their own beside them (the suite), or alone (that process).</summary>
    public enum ExamplesPlace { Here, Aside, Alone }

    /// <summary>An example engine built, with its planted bug switched on.</summary>
    static EngineUnderTest Built(ExampleEngine example, string scratch, IAnsiConsole console)
    {
        Interruption.Check();
        var engine = example.Resolve(Directory.CreateDirectory(Path.Combine(scratch, example.Folder)).FullName);
        Terminal.Sides(console, engine);
        return engine;
    }

    /// <summary>
    /// The suite's shrink budget: tries alone, no clock, so that the example engines' reproductions
    /// come out the same on a loaded machine and the committed reports can be compared with a fresh run.
    /// </summary>
    static readonly ShrinkBudget SuiteShrink = new(MaxTries: 60, MaxSeconds: double.PositiveInfinity);

    /// <summary>
    /// A report whole — check, training, its failing check shrunk, its benchmark — written into
    /// <paramref name="folder"/>, the shrunk spec into its <see cref="Reproduction.Folder"/> (frozen tensors and a
    /// contract-only xunit test beside it); the spec's verdict printed last.
    /// </summary>
    static SpecResult Report(ParitySpec spec, EngineUnderTest engine, string folder, ShrinkBudget? shrink, ConsoleProgress progress)
    {
        Interruption.Check();
        var evaluation = SpecEvaluation.Run(spec, DatasetLoader.Load(spec), Backends.Pair(engine), new EvaluationOptions(shrink, SpecResults.ReportBench), progress);
        // The test loads the engine that PARITY_ENGINE names: a report's engine may live in a scratch folder.
        if (evaluation.Shrunk is { } shrunk)
            ReproductionFiles.Write(Path.Combine(folder, Reproduction.Folder), Reproduction.Of(shrunk, enginePath: ""));
        var result = SpecResults.From(evaluation, engine);
        Write(folder, spec, ReportDocument.Of(spec, result, engine.Option));
        progress.Verdict(spec.Name, result.Passed);
        return result;
    }

    static void Write(string folder, ParitySpec spec, ReportDocument document)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.Write(Path.Combine(folder, "report.md"), MarkdownReport.Write(document));
        AtomicFile.Write(Path.Combine(folder, "report.html"), HtmlReport.Write(spec, document));
        AtomicFile.Write(Path.Combine(folder, "result.json"), Json.Serialize(document.Result));
        AtomicFile.Write(Path.Combine(folder, "junit.xml"), JunitReport.Write([document.Result]));
    }
}
