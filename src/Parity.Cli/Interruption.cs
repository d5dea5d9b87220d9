using System.Runtime.InteropServices;

namespace Parity.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM end a run at the next safe point — between training steps or between
/// specs, never inside a file write — and the command exits 130 with nothing half-written.
/// </summary>
public static class Interruption
{
    public const int ExitCode = 130;

    static volatile bool _requested;

    /// <summary>Turns the signals into a request observed by <see cref="Check"/>, instead of killing the process.</summary>
    public static IDisposable Watch()
    {
        var handlers = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }
            .Select(signal => PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                _requested = true;
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

    sealed class Registrations(List<PosixSignalRegistration> handlers) : IDisposable
    {
        public void Dispose() => handlers.ForEach(h => h.Dispose());
    }
}
