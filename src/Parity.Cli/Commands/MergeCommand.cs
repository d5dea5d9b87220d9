using System.CommandLine;
using Parity.Cli.Examples;
using Parity.Cli.Output;
using Parity.Cli.Reports;
using Parity.Cli.Sharding;
using Parity.Spec;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary>
/// <c>parity merge DIR… --out DIR [--baseline FILE]</c>: joins the report folders of the shards of one
/// run (<c>parity report</c> or <c>parity suite</c> with <c>--shard i/n</c>) into one, as one runner
/// would have written it: every report, one index, one junit.xml, one result.json — and with
/// <c>--baseline</c>, one regression verdict over all specs. <c>parity merge FILE… --out FILE</c> joins
/// the baselines of the shards of <c>parity baseline</c> likewise. Every shard must be there exactly once.
/// </summary>
public static class MergeCommand
{
    public static Command Create(TextWriter output)
    {
        var partsArgument = new Argument<string[]>("parts") { Description = "The --out folders of the shards of parity report or parity suite, or the baseline files of the shards of parity baseline", Arity = ArgumentArity.OneOrMore };
        var outOption = new Option<string>("--out") { Description = "The report folder (or, for baselines, the baseline file) to write", Required = true };
        var baselineOption = new Option<string?>("--baseline") { Description = "Also check the joined results against this baseline (parity baseline) and fail on regressions" };
        var factorOption = RegressionCheck.FactorOption();
        var marginOption = RegressionCheck.MarginOption();
        var command = new Command("merge", "Join the outputs of the shards of one run (--shard i/n) into one, as if one runner had done it all") { partsArgument, outOption, baselineOption, factorOption, marginOption };
        command.SetAction(parse => Run(new MergeRequest(Parts: parse.GetValue(partsArgument)!, Out: parse.GetValue(outOption)!, Baseline: parse.GetValue(baselineOption),
            Factor: parse.GetValue(factorOption), Margin: parse.GetValue(marginOption)), output));
        return command;
    }

    static int Run(MergeRequest request, TextWriter output)
    {
        var (parts, outPath, baselinePath, factor, margin) = request;
        if (parts.All(File.Exists))
            return baselinePath is null
                ? Baselines(parts, outPath)
                : throw new InputException("--baseline checks joined reports; to join baselines, leave it out");
        if (parts.FirstOrDefault(p => !Directory.Exists(p)) is { } stray)
            throw new InputException($"{stray}: no such report folder; pass the --out folders of every shard of parity report or parity suite (or the baseline files of every shard of parity baseline)");
        return Reports(parts, outPath, baselinePath is null ? null : Baseline.Read(baselinePath), factor, margin, output);
    }

    static int Reports(IReadOnlyList<string> parts, string outPath, Baseline? baseline, double factor, double margin, TextWriter output)
    {
        using var folder = ReportFolder.Claim(outPath);
        var runs = parts.Select(part => (Folder: part, Run: RunResult.Read(part))).ToList();
        var set = ShardRecord.Join(runs.Select(r => (r.Folder, r.Run.Shard, (IReadOnlyList<string>)[.. r.Run.Specs, .. r.Run.Examples])).ToList());
        var (engine, reference) = (runs[0].Run.Engine, runs[0].Run.Reference);
        if (runs.FirstOrDefault(r => (r.Run.Engine, r.Run.Reference) != (engine, reference)) is { Folder: not null } other)
            throw new InputException($"{other.Folder}: checked {other.Run.Engine} against {other.Run.Reference}, and {runs[0].Folder} {engine} against {reference}; pass the shards of one run");
        var console = Terminal.On(output);
        var regressions = baseline is null ? null : new RegressionCheck(baseline, factor, margin, console);
        regressions?.CheckCovers(engine, runs.SelectMany(r => r.Run.Specs));

        // Each report where its shard wrote it; the set's order is the unsharded run's.
        var holder = runs.SelectMany(r => r.Run.Specs.Concat(r.Run.Examples).Select(path => (path, r.Folder))).ToDictionary(p => p.path, p => p.Folder);
        var specs = set.Where(path => runs.Any(r => r.Run.Specs.Contains(path))).ToList();
        var examples = set.Where(path => runs.Any(r => r.Run.Examples.Contains(path))).ToList();
        var results = specs.Select(path => SpecResult.Read(holder[path], path, "run the shard again")).ToList();
        var shown = examples.Select(path => new ExampleResult(ExampleOf(holder[path], path), SpecResult.Read(holder[path], path, "run the shard again"))).ToList();
        var seconds = set.Where(path => runs.Any(r => r.Run.WallSeconds.ContainsKey(path)))
            .ToDictionary(path => path, path => runs.First(r => r.Run.WallSeconds.ContainsKey(path)).Run.WallSeconds[path]);
        var run = new RunResult(results.All(r => r.Passed) && shown.All(e => e.Caught), engine, reference, new ShardRecord(1, 1, set), specs, examples, seconds);

        foreach (var path in set)
            CopyFolder(Path.Combine(holder[path], path), folder.Staged(path));
        var index = folder.WriteIndex(run, results, shown);
        folder.Commit();
        StepSummary.Append(index);
        console.MarkupLine($"reports: {Markup.Escape(folder.Target)} ({results.Count(r => r.Passed)} of {results.Count} passed; {runs.Count} shard{(runs.Count == 1 ? "" : "s")} joined)");
        foreach (var result in regressions is null ? [] : results)
            regressions!.Judge(result);
        var verdict = regressions?.Publish() ?? ParityCommandLine.Passed;
        return run.Passed && verdict == ParityCommandLine.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }

    static int Baselines(IReadOnlyList<string> parts, string outPath)
    {
        var file = AtomicFile.ClaimJson(outPath);
        var baselines = parts.Select(part => (File: part, Baseline: Baseline.Read(part))).ToList();
        if (baselines.FirstOrDefault(b => b.Baseline.Shard is null) is { File: not null } unsharded)
            throw new InputException($"{unsharded.File}: records no shard; record it again with parity baseline --shard i/n");
        var set = ShardRecord.Join(baselines.Select(b => (b.File, b.Baseline.Shard!, (IReadOnlyList<string>)b.Baseline.Specs.Select(s => s.Spec).ToList())).ToList());
        var engine = baselines[0].Baseline.Engine;
        if (baselines.FirstOrDefault(b => b.Baseline.Engine != engine) is { File: not null } other)
            throw new InputException($"{other.File}: holds the figures of {other.Baseline.Engine}, and {baselines[0].File} those of {engine}; pass the shards of one run");
        var specs = baselines.SelectMany(b => b.Baseline.Specs).ToDictionary(s => s.Spec);
        AtomicFile.Write(file, Json.Serialize(new Baseline(engine, set.Select(name => specs[name]).ToList(), new ShardRecord(1, 1, set))));
        return ParityCommandLine.Passed;
    }

    /// <summary>The example engine of a report at <c>examples/FOLDER/SPEC</c>: one of the suite's.</summary>
    static ExampleEngine ExampleOf(string part, string path) =>
        ExampleEngines.WithBugs.FirstOrDefault(e => path.StartsWith($"examples/{e.Folder}/", StringComparison.Ordinal))
        ?? throw new InputException($"{Path.Combine(part, path)}: no example engine of this parity writes this report; merge the shards with the parity that wrote them");

    /// <summary>A report folder whole, with the folders inside it (a failing report's reproduction/).</summary>
    static void CopyFolder(string from, string to)
    {
        if (!Directory.Exists(from))
            throw new InputException($"{from}: missing, though its shard lists it; run the shard again");
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
