using System.CommandLine;
using System.Globalization;
using Parity.Cli.Output;
using Parity.Cli.Reports;
using Parity.Cli.Sharding;
using Parity.Harness.Checks;
using Parity.Harness.Comparison;
using Parity.Spec;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary><c>parity check SPEC|DIR [--engine builtin|PATH.dll] [--json FILE] [--dump DIR]</c>: is the engine's gradient right, and if not, where and why.</summary>
public static class CheckCommand
{
    public static Command Create(TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file, or a folder of them" };
        var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file" };
        var dumpOption = new Option<string?>("--dump") { Description = "Write parameters, batch and both engines' gradients as safetensors to this folder" };
        var baselineOption = new Option<string?>("--baseline") { Description = "Also train in lockstep and fail on regressions against this baseline (parity baseline)" };
        var factorOption = RegressionCheck.FactorOption();
        var marginOption = RegressionCheck.MarginOption();
        var command = new Command("check", "Compare the engine's gradients and updates with TorchSharp's, and check both by finite differences") { specArgument, jsonOption, dumpOption, baselineOption, factorOption, marginOption };
        command.SetAction(parse => Run(parse.GetValue(specArgument)!, parse.GetValue<Shard>(Shard.OptionName)!, parse.GetValue<string>(Backends.EngineOption)!, parse.GetValue(jsonOption), parse.GetValue(dumpOption), parse.GetValue(baselineOption), parse.GetValue(factorOption), parse.GetValue(marginOption), output));
        return command;
    }

    static int Run(string specPath, Shard shard, string engineChoice, string? jsonPath, string? dumpPath, string? baselinePath, double factor, double margin, TextWriter output)
    {
        var jsonFile = jsonPath is null ? null : AtomicFile.ClaimJson(jsonPath);
        using var dumpFolder = dumpPath is null ? null : OutputFolder.Claim(dumpPath, "--dump");
        var baseline = baselinePath is null ? null : Baseline.Read(baselinePath);
        var (specs, part) = shard.Part(specPath);
        var engine = Backends.Resolve(engineChoice);
        var console = Terminal.On(output);
        Terminal.Sides(console, engine);
        if (baseline is not null)
            return AgainstBaseline(specs, engine, baseline, factor, margin, console);
        var results = specs.Select(spec => CheckOne(spec, DatasetLoader.Load(spec), engine, console)).ToList();
        if (dumpFolder is not null)
        {
            foreach (var result in results)
                CheckDump.Write(Directory.Exists(specPath) ? Path.Combine(dumpFolder.Staging, result.Spec.Name) : dumpFolder.Staging, result);
            dumpFolder.Commit();
        }
        var report = new CheckReport(results.All(r => r.Passed), engine.Name, Backends.ReferenceName, part, results.Select(CheckSpecReport.From).ToList());
        if (jsonFile is not null)
            AtomicFile.Write(jsonFile, Json.Serialize(report));
        return report.Passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }

    /// <summary>Regression mode: each spec evaluated in full and compared with its baseline; the Markdown summary goes to GitHub's job summary too.</summary>
    static int AgainstBaseline(IReadOnlyList<ParitySpec> specs, EngineUnderTest engine, Baseline baseline, double factor, double margin, IAnsiConsole console)
    {
        var regressions = new RegressionCheck(baseline, factor, margin, console);
        regressions.CheckCovers(engine.Name, specs.Select(s => s.Name));
        foreach (var spec in specs)
            regressions.Judge(ReportCommand.Evaluate(spec, engine, console));
        return regressions.Publish();
    }

    /// <summary>All of <c>parity check</c>'s checks on one spec, the engine under test against the reference, printed.</summary>
    public static CheckResult CheckOne(ParitySpec spec, Dataset data, EngineUnderTest engine, IAnsiConsole console)
    {
        var runner = new CheckRunner(engine.Create, Backends.Reference, ProcessMemory.Release);
        var result = runner.Run(spec, data, Backends.InitialParameters(spec));
        Print(console, result);
        return result;
    }

    static void Print(IAnsiConsole console, CheckResult result)
    {
        var spec = result.Spec;
        var g = result.Gradients;
        var table = new Table()
            .Title($"{spec.Name} · {spec.DType.ToString().ToLowerInvariant()} · first batch of epoch 1, {result.Batch.Rows} rows")
            .Caption("engine vs TorchSharp; relative error over nonzero reference elements; ULPs in the spec's dtype")
            .AddColumns("tensor", "shape", "max abs err", "max rel err", "ulp max / median", "cosine", "norm ratio", "ok");
        foreach (var d in g.Parameters.Prepend(g.Loss).Append(g.Input))
            table.AddRow(Markup.Escape(d.Name), Markup.Escape($"[{string.Join(", ", d.Shape)}]"), Figures.Scientific(d.MaxAbsErr), Figures.Scientific(d.MaxRelErr), $"{Figures.Scientific(d.MaxUlp)} / {Figures.Scientific(d.MedianUlp)}",
                d.Cosine.ToString("F9", CultureInfo.InvariantCulture), d.NormRatio.ToString("F9", CultureInfo.InvariantCulture), d.Passed ? "[green]yes[/]" : "[red]no[/]");
        console.Write(table);

        Line(console, g.LayerOutputs.All(d => d.Passed) && g.LayerOutputGradients.All(d => d.Passed),
            $"per layer: {g.LayerOutputs.Count(d => d.Passed)}/{g.LayerOutputs.Count} outputs and {g.LayerOutputGradients.Count(d => d.Passed)}/{g.LayerOutputGradients.Count} output gradients agree");
        if (g.Buffers.Count > 0)
            Line(console, g.Buffers.All(b => b.Difference.Passed),
                $"buffers: {g.Buffers.Count(b => b.Difference.Passed)}/{g.Buffers.Count} agree after the training forward ({string.Join(", ", g.Buffers.Select(b => b.Difference.Name))})");
        if (g.Evaluation is { Difference: { } evaluation })
            Line(console, evaluation.Passed, $"evaluation: the outputs in eval mode {(evaluation.Passed ? "agree" : "part")} (max rel err {Figures.Scientific(evaluation.MaxRelErr)})");
        Line(console, result.Resync.Blamed.Count == 0, Resync(result.Resync));
        if (g.Crossing is { } crossing)
            console.MarkupLine($"  [yellow]·[/] {Markup.Escape($"kinks: rounding put {crossing.Count} inputs of layer {crossing.Layer} on another side of its kink (or another max-pool choice) than TorchSharp's forward did; the gradients below it are judged by re-sync")}");
        var gradients = result.Updates.Gradients == UpdateGradients.EngineGradients ? "TorchSharp's optimizer on the engine's gradients" : "each on its own gradients";
        Line(console, result.Updates.Passed, result.Updates.Passed
            ? $"updates: {result.Updates.Steps.Count} optimizer steps agree ({gradients})"
            : $"updates: step {result.Updates.FirstFailure!.Step} parts ({gradients})");
        foreach (var check in new[] { result.EngineGradcheck, result.TwinGradcheck })
            Line(console, check.Passed, $"gradcheck {check.Backend} (float64, {check.Mode}): {GradcheckReport.From(check).Describe()}");
        foreach (var line in result.Diagnosis)
            console.MarkupLine($"  [yellow]→[/] {Markup.Escape(line)}");
        console.MarkupLine(result.Passed ? $"[green]passed[/] {Markup.Escape(spec.Name)}" : $"[red]failed[/] {Markup.Escape(spec.Name)}");
        console.WriteLine();
    }

    /// <summary>Re-sync in one line: each layer's own and inherited error, or why it was not available.</summary>
    static string Resync(LayerResyncResult resync) => resync.Available
        ? "re-sync (own / inherited max abs err): " + string.Join(", ", resync.Layers.Select(l => $"{l.Layer} {Figures.Scientific(l.OwnError)} / {Figures.Scientific(l.InheritedError)} {l.Verdict}"))
        : $"re-sync not available: {resync.Unavailable}";

    static void Line(IAnsiConsole console, bool passed, string text) =>
        console.MarkupLine($"  {(passed ? "[green]✓[/]" : "[red]✗[/]")} {Markup.Escape(text)}");
}
