using System.CommandLine;
using System.Globalization;
using Parity.Cli.Output;
using Parity.Cli.Sharding;
using Parity.Harness.Benchmarks;
using Parity.Spec;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary>
/// <c>parity bench SPEC|DIR [--engine builtin|PATH.dll] [--json FILE] [--threads N] [--sweep batch=a,b,c|width=a,b,c] [--readme FILE]</c>:
/// forward, backward, optimizer step and the full training step of the engine under test and of
/// TorchSharp, timed in one process with the same threads (as check and train run them); then each alone at
/// its best thread count — the reference in a process of its own with TorchSharp's defaults
/// (<see cref="ReferenceAlone"/>) — and the machine's product peak (<see cref="BlasPeak"/>). The spec's
/// <c>bench</c> targets, judged on the ratio of the bests, decide the exit code.
/// </summary>
public static class BenchCommand
{
    public static Command Create(GlobalOptions globals, TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file, or a folder of them" };
        var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file" };
        var sweepOption = new Option<string?>("--sweep") { Description = "Also time the spec at several batch sizes or hidden widths and fit the growth exponent: batch=64,256,1024 or width=64,128,256" };
        var minTimeOption = new Option<double>("--min-time") { Description = "Seconds of timed steps per engine at least; more until the median is stable", DefaultValueFactory = _ => 2 };
        minTimeOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (>= 0 and <= 600))
                result.AddError("--min-time takes seconds from 0 to 600, e.g. --min-time 2");
        });
        var repetitionsOption = new Option<int?>("--repetitions") { Description = "Time exactly this many steps per engine (after as many untimed ones), instead of --min-time" };
        repetitionsOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 1_000_000)
                result.AddError("--repetitions takes a whole number from 1 to 1000000, e.g. --repetitions 50");
        });
        var readmeOption = new Option<string?>("--readme") { Description = "Write the runtime table into this Markdown file, between <!-- parity:bench:begin --> and <!-- parity:bench:end -->" };

        var command = new Command("bench", "Time forward, backward, optimizer step and training step of the engine and of TorchSharp, side by side")
            { specArgument, jsonOption, sweepOption, minTimeOption, repetitionsOption, readmeOption };
        command.SetAction(parse => Run(new BenchRequest(Specs: parse.GetValue(specArgument)!, Shard: globals.ShardOf(parse), Engine: globals.EngineOf(parse), Json: parse.GetValue(jsonOption),
            Threads: globals.ThreadsOf(parse), Sweep: parse.GetValue(sweepOption),
            Timing: new BenchmarkOptions(parse.GetValue(minTimeOption), parse.GetValue(repetitionsOption)), Readme: parse.GetValue(readmeOption)), output));
        return command;
    }

    static int Run(BenchRequest request, TextWriter output)
    {
        var (specPath, shard, engineChoice, jsonPath, threads, sweepText, options, readmePath) = request;
        var jsonFile = jsonPath is null ? null : AtomicFile.ClaimJson(jsonPath);
        var readme = readmePath is null ? null : ReadmeSection.CheckUpdatable(readmePath, "bench");
        var sweep = sweepText is null ? null : SweepRequest.Parse(sweepText);
        var (specs, part) = shard.Part(specPath);
        if (sweep is { Parameter: SweepParameter.Width } && specs.FirstOrDefault(s => s.LinearLayers.Count() < 2) is { } shallow)
            throw new InputException($"{shallow.SourcePath}: --sweep width varies the hidden linear layers, and this model has none; sweep batch instead");

        var engine = Backends.Resolve(engineChoice);
        var machine = Machine.Current();
        var console = Terminal.On(output);
        Terminal.Sides(console, engine);
        var runner = new BenchmarkRunner(engine.Create, Backends.Reference, options);
        // Before any spec: measured after a first spec's timings, the product peak of one run read 104.6 GFLOP/s in
        // float64 and 115.4 in float32, where runs of one spec each read 121.6 and 220-260.
        var peaks = specs.Select(s => s.DType).Distinct().ToDictionary(dtype => dtype, dtype => BlasPeak.Measure(dtype, machine.Cores));

        var reports = new List<BenchSpecReport>();
        var results = new List<(RuntimeResult Result, IReadOnlyList<TargetResult> Targets)>();
        foreach (var spec in specs)
        {
            var data = DatasetLoader.Load(spec);
            // Side by side, as check and train run the spec: on the user's threads, else the spec's own (StepThreads).
            var sideThreads = threads is { } fixedThreads ? SideThreads.Both(fixedThreads) : StepThreads.For(spec, machine.Cores);
            BenchmarkResult Timed(ParitySpec variant)
            {
                NativeSettings.SetThreads(sideThreads);
                return runner.Run(variant, data, Backends.InitialParameters(variant));
            }
            var sideBySide = Timed(spec);
            var rounds = AloneRounds(options);
            List<AloneRound> alone;
            // Only the engine runs in this process while the reference's lives (TorchRuntime.Gate): the side-by-side timing is done, the sweep comes after.
            using (var reference = ReferenceAlone.Session.Start(spec, machine.Cores, rounds.Options))
                alone = [.. Enumerable.Range(0, rounds.Count).Select(_ => new AloneRound(AtBest.Measure(machine.Cores, n =>
                {
                    NativeSettings.SetThreads(SideThreads.Both(n));
                    return BenchmarkRunner.Alone(engine.Create, rounds.Options, spec, data, Backends.InitialParameters(spec));
                }), reference.Next()))];
            var result = new RuntimeResult(sideBySide, sideThreads, alone, peaks[spec.DType]);
            var targets = BenchTargets.Check(spec, result.Ratio, sideBySide.Engine.AllocBytesPerStep);
            var sweepResult = sweep is null ? null : ScalingSweep.Run(spec, sweep.Parameter, sweep.Values, Timed);
            BenchOutput.Print(console, sideBySide, sideThreads, targets, sweepResult, spec.Name, result);
            reports.Add(BenchSpecReport.From(sideBySide, sideThreads, targets, sweepResult, result));
            results.Add((result, targets));
        }

        var machineReport = MachineReport.Of(machine);
        var report = new BenchReport(reports.All(r => r.Passed), engine.Name, Backends.ReferenceName, machineReport, threads, part, reports);
        if (jsonFile is not null)
            AtomicFile.Write(jsonFile, Json.Serialize(report));
        if (readme is not null)
            ReadmeSection.Replace(readme, "bench", RuntimeTable.Markdown(results, machineReport));
        return report.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }

    /// <summary>
    /// Each side alone is timed in rounds that alternate, engine then reference, each with its share of
    /// the time: this machine moves between a faster and a slower state from one minute to the next (the
    /// same TorchSharp step alone read 1.34 and 1.62 ms in runs a minute apart), and a side timed once
    /// meets one of them. Five rounds, the headline from the round of median ratio (<see cref="RuntimeResult.Median"/>),
    /// with the reference's process kept warm between them (<see cref="ReferenceAlone.Session"/>): three rounds, each
    /// starting a process, put the two sides of a round seconds apart, and one run's rounds read ratios as far
    /// apart as 1.03 and 1.58 (the Fashion MLP, float32). With --repetitions, exactly that many steps, once.
    /// </summary>
    static (int Count, BenchmarkOptions Options) AloneRounds(BenchmarkOptions options) =>
        options.Repetitions is null ? (Rounds, options with { MinSeconds = options.MinSeconds / Rounds }) : (1, options);

    const int Rounds = 5;
}

/// <summary>A parsed <c>--sweep</c>: batch=a,b,c or width=a,b,c.</summary>
public sealed record SweepRequest(SweepParameter Parameter, IReadOnlyList<int> Values)
{
    const string Usage = "--sweep takes batch=a,b,c or width=a,b,c with at least two different sizes, e.g. --sweep batch=64,256,1024";

    public static SweepRequest Parse(string text)
    {
        var parts = text.Split('=', 2);
        if (parts.Length != 2)
            throw new InputException($"{Usage}; got '{text}'");
        var (parameter, most) = parts[0].Trim() switch
        {
            "batch" => (SweepParameter.Batch, 1_000_000),
            "width" => (SweepParameter.Width, 65_536),
            var other => throw new InputException($"{Usage}; '{other}' is neither batch nor width"),
        };
        var values = new List<int>();
        foreach (var item in parts[1].Split(','))
        {
            if (!int.TryParse(item.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1 || value > most)
                throw new InputException($"{Usage}; '{item.Trim()}' is not a size from 1 to {most}");
            values.Add(value);
        }
        if (values.Distinct().Count() < 2)
            throw new InputException($"{Usage}; got '{text}'");
        return new SweepRequest(parameter, values);
    }
}
