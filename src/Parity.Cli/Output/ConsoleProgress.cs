using Parity.Harness.Benchmarks;
using Parity.Harness.Checks;
using Parity.Harness.Pipeline;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;
using Spectre.Console;

namespace Parity.Cli.Output;

/// <summary>
/// An evaluation drawn on a console as it goes: each stage's tables and verdict, a progress bar over long stages.
/// Between stages the process hands memory back and honours an interrupt. A stage of a whole report
/// (<paramref name="partOfReport"/>) closes with its own name, so that only the spec's own verdict, which its
/// command prints last, reads "passed NAME" or "failed NAME".
/// </summary>
public sealed class ConsoleProgress(IAnsiConsole console, bool partOfReport = false) : IEvaluationProgress
{
    public T Steps<T>(string label, int total, Func<Action, T> work) => Terminal.WithProgress(console, label, total, work);

    public void BetweenStages()
    {
        ProcessMemory.Release();
        Interruption.Check();
    }

    public void Checked(CheckResult check) => CheckOutput.Print(console, check, Closing(check.Spec.Name, "check"));

    public void Trained(TrainingOutcome training, Dataset data) =>
        TrainOutput.Print(console, training, data, Closing(training.Spec.Name + (training.Grid is { } grid ? $" (pick #{grid.Result.EngineWinner + 1})" : ""), "training"));

    public void Forced(ParitySpec spec, TeacherForcingResult forcing) => TrainOutput.PrintForcing(console, spec, forcing);

    public void Shrinking(ParitySpec spec) => console.MarkupLine($"shrinking {Markup.Escape(spec.Name)}'s failure to its smallest reproduction …");

    // A report times its steps at the process's thread count.
    public void Benched(BenchmarkResult bench, IReadOnlyList<TargetResult> targets) =>
        BenchOutput.Print(console, bench, Backends.Threads, targets, null, Closing(bench.Spec.Name, "runtime targets"));

    /// <summary>The last line of a spec's evaluation: its verdict.</summary>
    public void Verdict(string spec, bool passed)
    {
        console.MarkupLine(passed ? $"[green]passed[/] {Markup.Escape(spec)}" : $"[red]failed[/] {Markup.Escape(spec)}");
        console.WriteLine();
    }

    string Closing(string name, string stage) => partOfReport ? $"{name}: {stage}" : name;
}
