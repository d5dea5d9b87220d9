using System.CommandLine;
using Parity.Cli.Examples;
using Parity.Cli.Output;
using Parity.Cli.Reports;
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
        var command = new Command("report", "Check, train in lockstep and write a report per spec with an index") { specArgument, outOption };
        command.SetAction(parse => Run(parse.GetValue(specArgument)!, parse.GetValue<string>(Backends.EngineOption)!, parse.GetValue(outOption)!, output));
        return command;
    }

    public static Command Suite(TextWriter output)
    {
        var outOption = new Option<string>("--out") { Description = "The folder to write the reports to", DefaultValueFactory = _ => SuiteReports };
        var readmeOption = new Option<string?>("--readme") { Description = "Also write the results table into this Markdown file, between <!-- parity:train:begin --> and <!-- parity:train:end -->" };
        var command = new Command("suite", $"Run the built-in suite ({SuiteSpecs}) end to end and write its reports (default: {SuiteReports}/)") { outOption, readmeOption };
        command.SetAction(parse =>
        {
            if (!Directory.Exists(SuiteSpecs))
                throw new InputException($"{Path.GetFullPath(SuiteSpecs)}: the built-in suite is not here; run parity suite from the repository's root");
            return Run(SuiteSpecs, parse.GetValue<string>(Backends.EngineOption)!, parse.GetValue(outOption)!, output, parse.GetValue(readmeOption), ExampleEngines.WithBugs);
        });
        return command;
    }

    /// <summary>
    /// The reports of every spec, and for the suite also of each example engine with its planted bug
    /// (<paramref name="examples"/>), which must fail: a run passes when every spec passes and every
    /// planted bug is caught.
    /// </summary>
    public static int Run(string specPath, string engineChoice, string outPath, TextWriter output, string? readmePath = null, IReadOnlyList<ExampleEngine>? examples = null)
    {
        var readme = readmePath is null ? null : ReadmeSection.CheckUpdatable(readmePath, "train");
        var folder = Path.GetFullPath(outPath);
        if (File.Exists(folder) || !Directory.Exists(Path.GetDirectoryName(folder)))
            throw new InputException($"{outPath}: --out must be a folder whose parent exists");
        var specs = SpecLoader.LoadAll(specPath);
        var engine = Backends.Resolve(engineChoice);
        var console = Terminal.On(output);
        Terminal.Sides(console, engine);
        // The reports are written beside the target and swapped in whole at the end, so that an
        // interrupted or failed run leaves the previous reports as they were.
        var staging = $"{folder}.partial-{Environment.ProcessId}";
        var scratch = $"{folder}.scratch-{Environment.ProcessId}";
        try
        {
            var results = new List<SpecResult>();
            var trained = new List<(ParitySpec, TrainSpecReport)>();
            foreach (var spec in specs)
            {
                Interruption.Check();
                var result = Evaluate(spec, engine, console);
                Write(Path.Combine(staging, spec.Name), spec, result);
                results.Add(result);
                trained.Add((spec, result.Train));
                ReleaseMemory();
            }
            var shown = new List<ExampleResult>();
            foreach (var example in examples ?? [])
            {
                Interruption.Check();
                var exampleEngine = example.Resolve(Directory.CreateDirectory(Path.Combine(scratch, example.Folder)).FullName);
                Terminal.Sides(console, exampleEngine);
                var spec = SpecLoader.Load(Path.Combine(specPath, $"{example.Spec}.yaml"));
                var shownResult = new ExampleResult(example, Evaluate(spec, exampleEngine, console));
                Write(Path.Combine(staging, shownResult.Path), spec, shownResult.Result);
                shown.Add(shownResult);
                ReleaseMemory();
                if (!shownResult.Caught)
                    console.MarkupLine($"[red]the planted bug of examples/{Markup.Escape(example.Folder)} ({Markup.Escape(example.Bug)}) was not caught on {Markup.Escape(spec.Name)}[/]");
            }
            var index = ReportIndex.Markdown(results, shown);
            AtomicFile.Write(Path.Combine(staging, "README.md"), index);
            AtomicFile.Write(Path.Combine(staging, "index.html"), ReportIndex.Html(results, shown));
            AtomicFile.Write(Path.Combine(staging, "junit.xml"), JunitReport.Write(results));
            Interruption.Check();
            Swap(staging, folder);
            if (readme is not null)
                ReadmeSection.Replace(readme, "train", ResultsTable.Markdown(trained));
            StepSummary.Append(index);
            console.MarkupLine($"reports: {Markup.Escape(folder)} ({results.Count(r => r.Passed)} of {results.Count} passed)");
            return results.All(r => r.Passed) && shown.All(r => r.Caught) ? ParityCommandLine.Passed : ParityCommandLine.Failed;
        }
        finally
        {
            foreach (var leftover in new[] { staging, scratch }.Where(Directory.Exists))
                Directory.Delete(leftover, recursive: true);
        }
    }

    /// <summary>
    /// Gives the garbage of a part just done back to the system — after a spec, its data set (hundreds
    /// of MB of a Fashion-MNIST split) and its runs' buffers; after a check or a training, their copies
    /// of parameters, batches and layer outputs — since the GC would otherwise keep the heap they grew
    /// to through the parts after them (a run of the suite held 1.8 GB through a grid of 75 MB of data,
    /// left over from the CNN before it; a CNN's check leaves 500 MB to its training).
    /// </summary>
    static void ReleaseMemory() => ProcessMemory.Release();

    /// <summary>Puts the staged folder in the target's place; the old reports go only once the new ones are there.</summary>
    static void Swap(string staged, string target)
    {
        var old = $"{target}.old-{Environment.ProcessId}";
        if (Directory.Exists(target))
            Directory.Move(target, old);
        Directory.Move(staged, target);
        if (Directory.Exists(old))
            Directory.Delete(old, recursive: true);
    }

    /// <summary>
    /// Everything Parity measures of one spec: the check, the engine under test and the reference trained
    /// in lockstep (and teacher-forced when either fails), and a short benchmark of their steps (left out for an engine whose phases cannot be timed).
    /// </summary>
    public static SpecResult Evaluate(ParitySpec spec, EngineUnderTest engine, IAnsiConsole console)
    {
        // Loaded once for all four parts: a Fashion-MNIST split is hundreds of MB of float64, read-only to each of them.
        var data = DatasetLoader.Load(spec);
        var checkResult = CheckCommand.CheckOne(spec, data, engine, console);
        var check = CheckSpecReport.From(checkResult);
        ReleaseMemory();
        var train = TrainCommand.TrainBoth(spec, data, engine, console);
        // A failing run is also taken teacher-forced, which pins the optimizer's part to its step; a passing one needs no more.
        if ((!check.Passed || !train.Passed) && spec.Grid is null && TrainCommand.TeacherForced(spec, data, engine, console, required: false) is { } forcing)
            train = TrainCommand.WithTeacherForcing(train, forcing);
        ReleaseMemory();
        Interruption.Check();
        // A quarter of a second of steps per side: a report's timings are a glance, and the suite times
        // sixteen runs (parity bench, with its two seconds, is where figures are measured).
        var bench = BenchCommand.BenchOne(spec, data, engine, console, new Harness.Benchmarks.BenchmarkOptions(MinSeconds: 0.25));
        // An engine in another process is named by its handshake, then by the command that started it.
        var name = ExecEngine.Names(engine.Name) ? $"{checkResult.EngineGradcheck.Backend} ({engine.Name})" : engine.Name;
        return new SpecResult(spec.Name, spec.Description.Trim(), name, Backends.ReferenceName,
            check.Passed && train.Passed && bench.Passed, check, train, bench);
    }

    static void Write(string folder, ParitySpec spec, SpecResult result)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.Write(Path.Combine(folder, "report.md"), MarkdownReport.Write(spec, result));
        AtomicFile.Write(Path.Combine(folder, "report.html"), HtmlReport.Write(spec, result));
        AtomicFile.Write(Path.Combine(folder, "result.json"), Json.Serialize(result));
        AtomicFile.Write(Path.Combine(folder, "junit.xml"), JunitReport.Write([result]));
    }
}
