using Parity.Protocol;
using Parity.Spec;
using Parity.Torch.Twin;

namespace Parity.Cli;

/// <summary>
/// <c>--engine exec:COMMAND</c>: the engine under test runs in another process, in any language, and
/// speaks Parity's line protocol (<see cref="ProcessBackend"/>). The time limit per request
/// (<c>--engine-timeout</c>), the limit on a response line (<c>--engine-max-line</c>, else what the
/// response's tensors need) and the writer its stderr goes to hold for one run of the command line,
/// and for that run alone: runs side by side in one process (the tests) keep their own.
/// </summary>
public static class ExecEngine
{
    public const string Prefix = "exec:";

    public const double DefaultTimeoutSeconds = 60;

    static readonly AsyncLocal<Settings?> Current = new();

    public static bool Names(string engine) => engine.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The time limit per request that engines started now get (<c>--engine-timeout</c>).</summary>
    public static TimeSpan Timeout => (Current.Value ?? Default).Timeout;

    /// <summary>Until disposed, engines started on this flow of control use <paramref name="timeout"/> and <paramref name="maxLineBytes"/> (null: what each response needs) and write their stderr to <paramref name="log"/>.</summary>
    public static IDisposable Use(TimeSpan timeout, long? maxLineBytes, TextWriter log)
    {
        var previous = Current.Value;
        Current.Value = new Settings(timeout, maxLineBytes, TextWriter.Synchronized(new EscapingWriter(log)));
        return new Restore(previous);
    }

    /// <summary>The engine <c>exec:COMMAND</c> names, started anew for every model a run builds.</summary>
    public static EngineUnderTest Resolve(string engine) => new(engine, (model, initialParameters) =>
    {
        var settings = Current.Value ?? Default;
        return new ProcessBackend(engine[Prefix.Length..], model, initialParameters, settings.Timeout, settings.Log, TorchRuntime.Gate, settings.MaxLineBytes);
    });

    static Settings Default => new(TimeSpan.FromSeconds(DefaultTimeoutSeconds), null, new EscapingWriter(Console.Error));

    sealed record Settings(TimeSpan Timeout, long? MaxLineBytes, TextWriter Log);

    /// <summary>
    /// The writer an engine's stderr lines are passed on to: what the engine wrote goes to the user's
    /// terminal, so its control and escape characters (ANSI sequences that retitle the terminal, move the
    /// cursor, clear the screen) are written as escapes (\u001B), each line kept to one line.
    /// </summary>
    sealed class EscapingWriter(TextWriter terminal) : TextWriter
    {
        public override System.Text.Encoding Encoding => terminal.Encoding;

        public override void Write(char value) => terminal.Write(InputException.OneLine(value.ToString()));

        public override void Write(string? value) => terminal.Write(InputException.OneLine(value ?? ""));

        public override void WriteLine(string? value) => terminal.WriteLine(InputException.OneLine(value ?? ""));

        public override void WriteLine() => terminal.WriteLine();

        public override void Flush() => terminal.Flush();
    }

    sealed class Restore(Settings? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
