using System.Diagnostics;

namespace Parity.Tests.Shared;

/// <summary>
/// Parity started as its own process for a Ctrl-C test. A CI runner that starts the test command in
/// the background hands every process below it SIGINT set to "ignore", which a child cannot undo from
/// .NET (and should not: that is how a shell keeps Ctrl-C away from background jobs). The test puts
/// SIGINT back to its default for this one process, through Python, before starting Parity, so that
/// the test sees what a user's Ctrl-C in a terminal does.
/// </summary>
public static class InterruptibleParity
{
    const string ResetSigint = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])";

    public static ProcessStartInfo Start(string parityDll, params string[] arguments) =>
        new("/usr/bin/python3", ["-c", ResetSigint, "dotnet", parityDll, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
}
