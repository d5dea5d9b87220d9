namespace Parity.Protocol;

/// <summary>
/// An engine in another process that Parity cannot work with, or that reported a failure: the message
/// names the engine, the request and what was wrong, in one line, and <see cref="ExitCode"/> is the
/// exit code of Parity's command — <see cref="EngineBroken"/> (2) when the engine broke the protocol
/// (could not start, crashed, hung, printed something else, sent a wrong tensor, left out a required
/// method, speaks another version), <see cref="EngineFailed"/> (1) when it answered properly that its
/// own computation failed: the engine under test fails, as it would with a wrong gradient.
/// </summary>
public sealed class ProtocolException(string message, int exitCode) : Exception(message)
{
    public const int EngineFailed = 1, EngineBroken = 2;

    public int ExitCode { get; } = exitCode;
}
