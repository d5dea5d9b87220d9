using System.CommandLine;
using System.Globalization;
using Parity.Cli.Output;
using Parity.Harness.Shrinking;
using Parity.Spec;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary>
/// <c>parity shrink SPEC [--engine …] [--out DIR] [--max-tries N] [--max-seconds S] [--json FILE]</c>: the smallest spec on
/// which the engine under test still fails <c>parity check</c> the same way (<see cref="Shrinker"/>), written with its
/// frozen parameters, batches and TorchSharp's results, and an xunit test of it that needs only the contract
/// (<see cref="Reproduction"/>). Exit 0 when the reproduction is written; a spec the engine passes is bad input (2).
/// </summary>
public static class ShrinkCommand
{
    public static Command Create(GlobalOptions globals, TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file that parity check fails with this engine" };
        var outOption = new Option<string?>("--out") { Description = "The folder to write the shrunk spec, its frozen tensors and its xunit test to (default: NAME-shrunk beside the working folder's files)" };
        var triesOption = NumberOption.Create("--max-tries", "At most this many candidate specs checked (default 200)",
            (int n) => n is >= 1 and <= 100_000, "--max-tries takes a whole number from 1 to 100000, e.g. 200", fallback: new ShrinkBudget().MaxTries);
        var secondsOption = NumberOption.Create("--max-seconds", "Stop trying new candidates after this many seconds (default 120)",
            (double s) => s is > 0 and <= 86_400, "--max-seconds takes seconds greater than 0, up to 86400, e.g. 120", fallback: new ShrinkBudget().MaxSeconds);
        var jsonOption = new Option<string?>("--json") { Description = "Also write what was removed, the sizes and every try as JSON to this file" };
        var command = new Command("shrink", "Shrink a failing spec to the smallest one that fails the same way, and write it as a standalone xunit test")
            { specArgument, outOption, triesOption, secondsOption, jsonOption };
        command.SetAction(parse => Run(new ShrinkRequest(Spec: parse.GetValue(specArgument)!, Engine: globals.EngineOf(parse), Out: parse.GetValue(outOption),
            Budget: new ShrinkBudget(parse.GetValue(triesOption), parse.GetValue(secondsOption)), Json: parse.GetValue(jsonOption)), output));
        return command;
    }

    static int Run(ShrinkRequest request, TextWriter output)
    {
        var (specPath, engineChoice, outPath, budget, jsonPath) = request;
        var jsonFile = jsonPath is null ? null : AtomicFile.ClaimJson(jsonPath);
        var spec = SpecLoader.Load(specPath);
        using var folder = OutputFolder.Claim(outPath ?? $"{spec.Name}-shrunk", "--out");
        var engine = Backends.Resolve(engineChoice);
        var console = Terminal.On(output);
        Terminal.Sides(console, engine);

        // Every smaller spec runs on the threads of the one that failed, where its failure was seen.
        using var threads = Backends.ThreadsFor(spec);
        var shrunk = new Shrinker(engine.Create, Backends.Reference, Backends.InitialParameters).Run(specPath, budget);
        // The test loads an engine assembly; Parity's own engine and a process engine are not one, and the user names theirs.
        var enginePath = engineChoice == Backends.Builtin || ExecEngine.Names(engineChoice) ? "" : Path.GetFullPath(engineChoice);
        ReproductionFiles.Write(folder.Staging, Reproduction.Of(shrunk, enginePath));
        folder.Commit();
        Print(console, shrunk, folder.Target);
        if (jsonFile is not null)
            AtomicFile.Write(jsonFile, Json.Serialize(ShrinkReport.From(spec.Name, engine.Name, shrunk, folder.Target)));
        return ParityCommandLine.Passed;
    }

    static void Print(IAnsiConsole console, ShrinkResult shrunk, string folder)
    {
        var table = new Table().Title("tries, in order").AddColumns("#", "change", "outcome", "kept", "seconds");
        foreach (var attempt in shrunk.Tries)
            table.AddRow(attempt.Number.ToString(CultureInfo.InvariantCulture), Markup.Escape(attempt.Change), Markup.Escape(attempt.Outcome),
                attempt.Kept ? "[green]yes[/]" : "no", attempt.Seconds.ToString("F2", CultureInfo.InvariantCulture));
        console.Write(table);
        console.MarkupLine($"failure kept: {Markup.Escape(shrunk.Failure.Diagnosis.FirstOrDefault() ?? "the checks fail")}");
        console.MarkupLine($"parameters {shrunk.Before.Parameters} → {shrunk.After.Parameters}, training steps {shrunk.Before.Steps} → {shrunk.After.Steps}, "
            + $"{shrunk.Tries.Count} tries in {shrunk.Tries.Sum(t => t.Seconds).ToString("F1", CultureInfo.InvariantCulture)} s"
            + (shrunk.StoppedBy is { } stop ? $" (stopped by {Markup.Escape(stop)}; more tries may shrink it further)" : ""));
        console.MarkupLine($"removed: {Markup.Escape(shrunk.Removed.Count == 0 ? "nothing: no reduction keeps the failure" : string.Join("; ", shrunk.Removed))}");
        console.MarkupLine($"wrote {Markup.Escape(folder)}: {Reproduction.SpecFile}, {Reproduction.InitialFile}, {Reproduction.BatchFile}, {Reproduction.ExpectedFile}, {Reproduction.TestFile}, {Reproduction.ProjectFile}");
    }
}

/// <summary>The JSON of <c>parity shrink --json</c>.</summary>
public sealed record ShrinkReport(string Spec, string Engine, string Out, string Failure, IReadOnlyList<string> Diagnosis, SpecSize Before, SpecSize After,
    IReadOnlyList<string> Removed, IReadOnlyList<ShrinkTry> Tries, string? StoppedBy, string ShrunkSpec)
{
    public static ShrinkReport From(string spec, string engine, ShrinkResult shrunk, string folder) => new(spec, engine, folder, shrunk.Identity,
        shrunk.Failure.Diagnosis, shrunk.Before, shrunk.After, shrunk.Removed, shrunk.Tries, shrunk.StoppedBy, shrunk.Yaml);
}
