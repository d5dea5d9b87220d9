namespace Parity.Spec;

/// <summary>
/// A user's mistake — a malformed spec, a missing file, a wrong argument. The command line prints its
/// message alone (no stack trace) and exits with code 2.
/// </summary>
public class InputException(string message) : Exception(message);

/// <summary>A place in a spec file, 1-based as editors show it.</summary>
public readonly record struct SourceMark(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>A spec error: the message starts with file:line:col so editors and CI logs can jump to it.</summary>
public sealed class SpecException(SourceMark mark, string problem) : InputException($"{mark}: {problem}")
{
    public SourceMark Mark { get; } = mark;
    public string Problem { get; } = problem;
}
