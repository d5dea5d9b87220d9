using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Parity.Cli.Output;
using Parity.Spec;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Commands;

/// <summary>
/// <c>parity soak SPEC [--engine builtin|PATH.dll] [--steps N] [--readme FILE]</c>: trains the engine under test and the reference for N steps and checks that
/// the process's resident memory and TorchSharp's live tensors stay flat (within 5 % after warm-up).
/// </summary>
public static class SoakCommand
{
    const double Tolerance = 0.05;
    const int Samples = 10;

    public static Command Create(GlobalOptions globals, TextWriter output)
    {
        var specArgument = new Argument<string>("spec") { Description = "A spec file" };
        var stepsOption = NumberOption.Create("--steps", "Training steps per engine", (int n) => n >= Samples * 10,
            $"--steps takes a whole number of at least {Samples * 10}", fallback: 100_000);
        var readmeOption = new Option<string?>("--readme") { Description = "Write the figures into this Markdown file, between <!-- parity:soak:begin --> and <!-- parity:soak:end -->" };
        var command = new Command("soak", "Train both engines for many steps and check that memory and live native tensors stay flat") { specArgument, stepsOption, readmeOption };
        command.SetAction(parse => Run(new SoakRequest(Spec: parse.GetValue(specArgument)!, Engine: globals.EngineOf(parse), Steps: parse.GetValue(stepsOption), Readme: parse.GetValue(readmeOption)), output));
        return command;
    }

    static int Run(SoakRequest request, TextWriter output)
    {
        var (specPath, engineChoice, steps, readmePath) = request;
        var readme = readmePath is null ? null : ReadmeSection.CheckUpdatable(readmePath, "soak");
        var spec = SpecLoader.Load(specPath);
        var data = DatasetLoader.Load(spec);
        var underTest = Backends.Resolve(engineChoice);
        var console = Terminal.On(output);
        Terminal.Sides(console, underTest);
        var initial = Backends.InitialParameters(spec);
        var model = ModelDescriptions.Describe(spec);
        using var engine = underTest.Create(model, initial);
        using var twin = Backends.Reference(model, initial);
        var batches = Enumerable.Range(0, data.Train.Rows / spec.Train.Batch)
            .Select(b => Batches.ForStep(spec, data.Train, BatchOrder.ForEpoch(spec, 1, data.Train.Rows).AsSpan(b * spec.Train.Batch, spec.Train.Batch), 1, b * spec.Train.Batch))
            .ToList();

        // Sample 0 is taken after the first tenth of the steps: allocators and pools have warmed up by then.
        var samples = new List<(int Step, double RssMiB, long LiveTensors)>();
        var every = steps / Samples;
        var clock = Stopwatch.StartNew();
        Terminal.WithProgress(console, $"{spec.Name} (soak, {steps} steps per engine)", steps, tick =>
        {
            for (var step = 1; step <= steps; step++)
            {
                var batch = batches[step % batches.Count];
                engine.TrainStep(batch);
                twin.TrainStep(batch);
                if (step % batches.Count == 0)
                {
                    engine.EndEpoch();
                    twin.EndEpoch();
                }
                if (step % every == 0)
                    samples.Add((step, ResidentMiB(), Torch.Twin.TorchRuntime.LiveTensors));
                tick();
            }
            return 0;
        });

        var (first, last) = (samples[0], samples[^1]);
        var rssGrowth = last.RssMiB / first.RssMiB - 1;
        var passed = Math.Abs(rssGrowth) <= Tolerance && last.LiveTensors == first.LiveTensors;
        var table = new StringBuilder();
        table.AppendLine($"| step (each engine) | resident memory (MiB) | live TorchSharp tensors |").AppendLine("|---|---|---|");
        foreach (var s in samples)
            table.AppendLine($"| {s.Step:N0} | {s.RssMiB.ToString("F1", CultureInfo.InvariantCulture)} | {s.LiveTensors} |");
        table.AppendLine().AppendLine($"`{spec.Name}`, {steps:N0} steps on each engine in {clock.Elapsed.TotalSeconds:F0} s on {Environment.ProcessorCount} cores: resident memory {(rssGrowth >= 0 ? "+" : "")}{(rssGrowth * 100).ToString("F2", CultureInfo.InvariantCulture)} % "
            + $"from step {first.Step:N0} to step {last.Step:N0}, live tensors {first.LiveTensors} → {last.LiveTensors}: {(passed ? "flat within 5 %" : "NOT flat")}.");
        console.Write(new Markup(Markup.Escape(table.ToString())));
        console.WriteLine();
        if (readme is not null)
            ReadmeSection.Replace(readme, "soak", table.ToString());
        return passed ? ParityCommandLine.Passed : ParityCommandLine.Failed;
    }

    /// <summary>Resident memory after a full collection and after glibc returns its freed pages, so that only what is held counts.</summary>
    static double ResidentMiB()
    {
        ProcessMemory.Release();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }
}
