using System.Runtime.InteropServices;
using Parity.Protocol;

namespace Parity.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM end a run at the next safe point — between training steps or between
/// specs, never inside a file write — and the command exits 130 with nothing half-written. A wait that
/// no safe point ends is ended too: the engines in other processes are stopped at once with all they
/// started, which ends a request waiting on one; and a run that has not ended <see cref="OrderlyLimit"/>
/// after the signal — inside one long TorchSharp call, say — is ended there, with the same exit code.
/// </summary>
public static partial class Interruption
{
    public const int ExitCode = 130;

    const string Message = "parity: interrupted; no output file was written or changed";

    /// <summary>Under the 2 s a user waits for Ctrl-C to work, with room for the process to end.</summary>
    static readonly TimeSpan OrderlyLimit = TimeSpan.FromSeconds(1.5);

    static volatile bool _requested;
    static int _signalled, _said;

    /// <summary>Turns the signals into a request observed by <see cref="Check"/>, instead of killing the process.</summary>
    public static IDisposable Watch()
    {
        var handlers = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }
            .Select(signal => PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                _requested = true;
                if (Interlocked.Exchange(ref _signalled, 1) == 0)
                    new Thread(EndWaits) { IsBackground = true, Name = "interruption" }.Start();
            }))
            .ToList();
        return new Registrations(handlers);
    }

    /// <summary>A safe point: throws <see cref="OperationCanceledException"/> once an interrupt was asked for.</summary>
    public static void Check()
    {
        if (_requested)
            throw new OperationCanceledException("interrupted");
    }

    /// <summary>Says that the run was interrupted: once after a signal, whose run can end in order and by <see cref="OrderlyLimit"/> together.</summary>
    public static void Say(TextWriter error)
    {
        if (Interlocked.Exchange(ref _said, 1) == 0 || _signalled == 0)
            error.WriteLine(Message);
    }

    static void EndWaits()
    {
        // On a thread of its own: stopping an engine waits for its last stderr lines, which must not delay the deadline.
        new Thread(RunningEngines.Interrupt) { IsBackground = true, Name = "stopping the engines" }.Start();
        Thread.Sleep(OrderlyLimit);
        // Still running: the main thread is in a call no safe point interrupts. Files are written through a temporary file and a rename, so none is half-written.
        Say(Console.Error);
        ExitNow(ExitCode);
    }

    /// <summary>libc's _exit: ends the process at once, without waiting for the call the main thread is in, as .NET's Environment.Exit would.</summary>
    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void ExitNow(int code);

    sealed class Registrations(List<PosixSignalRegistration> handlers) : IDisposable
    {
        public void Dispose() => handlers.ForEach(h => h.Dispose());
    }
}
