using System.Diagnostics;
using Parity.Cli.Examples;
using Parity.Cli.Output;
using Parity.Cli.Sharding;
using Parity.Harness.Pipeline;
using Parity.Harness.Shrinking;
using Parity.Spec;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Reports;

/// <summary>A run of reports: one per spec (report.md, report.html, result.json, junit.xml) and an index over them, naming the engine under test and the reference.</summary>
public static class ReportRun
{
    /// <summary>
    /// The reports of every spec, and for the suite also of each example engine with its planted bug
    /// (<see cref="ReportRequest.Examples"/>), which must fail: a run passes when every spec passes and every
    /// planted bug is caught. With a shard other than 1/1, only its part of them. Asked to
    /// (<see cref="ReportRequest.RefreshCosts"/>), it refreshes the specs' cost file with the wall seconds it measured.
    /// </summary>
    public static int Run(ReportRequest request, TextWriter output)
    {
        var (specPath, shard, engineChoice, examples, shrink, examplesOnly) = (request.Specs, request.Shard, request.Engine, request.Examples, request.Shrink, request.ExamplesOnly);
        var readme = request.Readme is null ? null : ReadmeSection.CheckUpdatable(request.Readme, "train");
        using var folder = ReportFolder.Claim(request.Out);
        var specs = SpecLoader.LoadAll(specPath);
        var shown = (examples ?? []).Select(example =>
        {
            var spec = SpecLoader.Load(Path.Combine(specPath, $"{example.Spec}.yaml"));
            return (Path: ExampleResult.PathOf(example, spec.Name), Example: example, Spec: spec);
        }).ToList();
        var set = specs.Select(s => s.Name).Concat(shown.Select(e => e.Path)).ToList();
        // One split over the specs' and the examples' reports together: each is one report to place.
        var mine = shard.Members([.. specs.Select(s => (s.Name, s)), .. shown.Select(e => (e.Path, e.Spec))], Shard.CostFolder(specPath));
        var specsHere = examplesOnly ? [] : specs.Where(s => mine.Contains(s.Name)).ToList();
        var examplesHere = shown.Where(e => mine.Contains(e.Path)).ToList();
        var engine = Backends.Resolve(engineChoice);
        var console = Terminal.On(output);
        var progress = new ConsoleProgress(console, partOfReport: true);
        if (!examplesOnly)
            Terminal.Sides(console, engine);
        var seconds = new Dictionary<string, double>();
        var scratch = $"{folder.Target}.scratch-{Environment.ProcessId}";
        try
        {
            // One report at a time in this process: no other thread may run managed code while a twin
            // works (see TorchRuntime.Gate). The suite's examples run meanwhile in a process of their own.
            using var aside = request.ExamplesAside && examplesHere.Count > 0 ? ExamplesAside.Start(shard, Path.Combine(scratch, "examples")) : null;
            // Cheapest first: the examples' process runs beside the short specs, and the costliest (the CNN,
            // whose check holds the run's most memory) comes once it is done.
            var costs = SpecCosts.Of([.. specsHere.Select(s => (s.Name, s))], Shard.CostFolder(specPath));
            var done = specsHere.OrderBy(spec => costs[spec.Name])
                .Select(spec => Timed(spec.Name, spec, engine, Stopwatch.StartNew())).ToDictionary(r => r.Spec);
            var results = specsHere.Select(spec => done[spec.Name]).ToList();
            var examplesDone = aside?.Finish([.. examplesHere.Select(e => e.Example)], folder.Staged(""), output).Select(taken =>
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
                var result = Report(spec, reportEngine, folder.Staged(path), shrink, progress);
                seconds[path] = clock.Elapsed.TotalSeconds;
                return result;
            }

            var run = new RunResult(results.All(r => r.Passed) && caught.All(r => r.Caught), engine.Name, Backends.ReferenceName, ShardRecord.Of(shard, set),
                specsHere.Select(s => s.Name).ToList(), examplesHere.Select(e => e.Path).ToList(), seconds);
            var index = folder.WriteIndex(run, results, caught);
            Interruption.Check();
            folder.Commit();
            if (readme is not null)
                ReadmeSection.Replace(readme, "train", ResultsTable.Markdown(specsHere.Zip(results.Select(r => r.Train)).ToList()));
            if (request.RefreshCosts)
                SpecCosts.Refresh(specPath, seconds, set);
            StepSummary.Append(index);
            // Taken alone, the examples' reports are the suite's, whose own line ends its output.
            if (!examplesOnly)
                console.MarkupLine($"reports: {Markup.Escape(folder.Target)} ({results.Count(r => r.Passed)} of {results.Count} passed{(shard == Shard.Whole ? "" : $"; shard {shard}")})");
            return run.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
        }
        finally
        {
            if (Directory.Exists(scratch))
                Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>An example engine built, with its planted bug switched on.</summary>
    static EngineUnderTest Built(ExampleEngine example, string scratch, IAnsiConsole console)
    {
        Interruption.Check();
        var engine = example.Resolve(Directory.CreateDirectory(Path.Combine(scratch, example.Folder)).FullName);
        Terminal.Sides(console, engine);
        return engine;
    }

    /// <summary>
    /// A report whole — check, training, its failing check shrunk, its benchmark — written into
    /// <paramref name="folder"/>, the shrunk spec into its <see cref="Reproduction.Folder"/> (frozen tensors and a
    /// contract-only xunit test beside it); the spec's verdict printed last.
    /// </summary>
    static SpecResult Report(ParitySpec spec, EngineUnderTest engine, string folder, ShrinkBudget? shrink, ConsoleProgress progress)
    {
        Interruption.Check();
        using var threads = Backends.ThreadsFor(spec);
        var evaluation = SpecEvaluation.Run(spec, DatasetLoader.Load(spec), Backends.Pair(engine, spec), new EvaluationOptions(shrink, SpecResults.ReportBench), progress);
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
