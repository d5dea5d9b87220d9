using System.Diagnostics;
using Spectre.Console;

namespace Parity.Cli.Output;

/// <summary>Tables and progress bars on a writer; progress is drawn only on an interactive terminal, so logs and CI stay clean.</summary>
public static class Terminal
{
    public static IAnsiConsole On(TextWriter writer)
    {
        var terminal = writer == Console.Out && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
        });
        // A log or a CI page has no width: keep verdict lines whole so they can be searched.
        if (!terminal)
            console.Profile.Width = 1000;
        return console;
    }

    /// <summary>The line that opens every command's output: what is checked against what.</summary>
    public static void Sides(IAnsiConsole console, EngineUnderTest engine) =>
        console.MarkupLine($"engine under test: {Markup.Escape(engine.Name)} · reference: {Markup.Escape(Backends.ReferenceName)}");

    /// <summary>Runs <paramref name="work"/> with a progress bar of <paramref name="total"/> ticks when the terminal can show one.</summary>
    public static T WithProgress<T>(IAnsiConsole console, string label, int total, Func<Action, T> work)
    {
        // Every tick is also a safe point for an interrupt.
        if (!console.Profile.Capabilities.Interactive)
            return work(Interruption.Check);
        // Drawn on the calling thread, at most ten times a second: Spectre's own refresh runs on a thread
        // of its own, and no other thread may run managed code while a twin works (TorchRuntime.Gate).
        return console.Progress()
            .AutoRefresh(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: total);
                var drawn = Stopwatch.StartNew();
                return work(() =>
                {
                    Interruption.Check();
                    task.Increment(1);
                    if (drawn.ElapsedMilliseconds >= 100 || task.IsFinished)
                    {
                        context.Refresh();
                        drawn.Restart();
                    }
                });
            });
    }
}
