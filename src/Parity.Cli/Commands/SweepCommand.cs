using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Parity.Cli.Output;
using Parity.Harness.Pipeline;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Generation;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary>
/// <c>parity sweep [--count N] [--seed S] [--out DIR]</c>: draws N valid random specs (<see cref="RandomSpecs"/>,
/// seeds S, S+1, …) and runs <c>parity check</c> and lockstep <c>parity train</c> on each, the engine under test
/// against the reference. On a correct engine every failure is a false alarm of Parity's: each is printed with
/// its seed (<c>--count 1 --seed</c> that seed draws it again) and, with <c>--out</c>, kept there as a spec file.
/// </summary>
public static class SweepCommand
{
    public static Command Create(GlobalOptions globals, TextWriter output)
    {
        var countOption = NumberOption.Create("--count", "How many random specs to draw", (int n) => n >= 1, "--count takes a whole number of at least 1", fallback: 200);
        var seedOption = NumberOption.Create("--seed", "The first spec's seed; the others follow it", (long s) => s >= 0, "--seed takes a whole number of at least 0", fallback: 1L);
        var outOption = new Option<string?>("--out") { Description = "Keep each failing spec (and its CSV table) in this folder" };
        var command = new Command("sweep", "Check and train random valid specs over the whole catalogue: on a correct engine, any failure is a false alarm") { countOption, seedOption, outOption };
        command.SetAction(parse => Run(new SweepSpecsRequest(Count: parse.GetValue(countOption), FirstSeed: parse.GetValue(seedOption), Keep: parse.GetValue(outOption), Engine: globals.EngineOf(parse)), output));
        return command;
    }

    static int Run(SweepSpecsRequest request, TextWriter output)
    {
        var (count, firstSeed, keepPath, engineChoice) = request;
        using var keep = keepPath is null ? null : OutputFolder.Claim(keepPath, "--out");
        var engine = Backends.Resolve(engineChoice);
        var console = Terminal.On(output);
        Terminal.Sides(console, engine);
        // Each spec's own output would bury the few lines that matter: it goes nowhere, its verdict is printed.
        var quiet = new ConsoleProgress(Terminal.On(TextWriter.Null));
        var scratch = Directory.CreateTempSubdirectory("parity-sweep-");
        var failures = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (var seed = firstSeed; seed < firstSeed + count; seed++)
            {
                Interruption.Check();
                var drawn = RandomSpecs.Draw(seed);
                var path = Write(scratch.FullName, drawn);
                var problems = Problems(path, engine, quiet);
                if (problems.Count == 0)
                    continue;
                failures++;
                console.MarkupLine($"[red]✗[/] {Markup.Escape(drawn.Name)} (--count 1 --seed {seed})");
                foreach (var problem in problems)
                    console.MarkupLine($"  [yellow]→[/] {Markup.Escape(problem)}");
                if (keep is not null)
                    Write(keep.Staging, drawn);
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
        keep?.Commit();
        var seconds = clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture);
        console.MarkupLine(failures == 0
            ? $"[green]passed[/] {count} random specs (seeds {firstSeed} to {firstSeed + count - 1}), checked and trained in lockstep in {seconds} s: no false alarm"
            : $"[red]failed[/] {failures} of {count} random specs (seeds {firstSeed} to {firstSeed + count - 1}) in {seconds} s");
        return failures == 0 ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }

    /// <summary>The spec file (and its table) in <paramref name="folder"/>; its path.</summary>
    static string Write(string folder, GeneratedSpec drawn)
    {
        if (drawn.Csv is not null)
            File.WriteAllText(Path.Combine(folder, drawn.CsvName), drawn.Csv);
        var path = Path.Combine(folder, $"{drawn.Name}.yaml");
        File.WriteAllText(path, drawn.Yaml);
        return path;
    }

    /// <summary>What failed on the spec: the check's verdicts and diagnosis, the lockstep run's failures, or what was thrown.</summary>
    static IReadOnlyList<string> Problems(string path, EngineUnderTest engine, ConsoleProgress quiet)
    {
        try
        {
            var spec = SpecLoader.Load(path);
            var data = DatasetLoader.Load(spec);
            // On the threads check and train would take for it: a small spec's libtorch calls on two threads spent
            // most of a sweep waking OpenMP's second thread (seeds 1–40: 62 s).
            using var threads = Backends.ThreadsFor(spec);
            var backends = Backends.Pair(engine, spec);
            var check = SpecEvaluation.Check(spec, data, backends, quiet);
            var train = SpecTraining.Both(spec, data, backends, quiet);
            var problems = new List<string>();
            if (!check.Passed)
                problems.AddRange(check.Diagnosis.Prepend($"check: gradients {Verdict(check.Gradients.Passed)}, updates {Verdict(check.Updates.Passed)}, "
                    + $"gradcheck engine {Verdict(check.EngineGradcheck.Passed)}, reference {Verdict(check.TwinGradcheck.Passed)}"));
            if (!train.Passed)
                problems.AddRange(train.Failures.Select(failure => $"train: {failure}"));
            return problems;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything thrown on a valid spec is as much a false alarm as a failed check: the user sees exit 1 or 2.
            return [$"{e.GetType().Name}: {InputException.OneLine(e.Message)}"];
        }
    }

    static string Verdict(bool passed) => passed ? "agree" : "part";
}
