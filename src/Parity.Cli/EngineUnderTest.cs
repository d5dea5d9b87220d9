namespace Parity.Cli;

/// <summary>
/// The engine a run checks against the reference: the name reports give it, how to build it for a model, and the
/// <c>--engine</c> value that chose it (<see cref="Option"/>; null for one built in code, a test's), which a report's advice repeats.
/// </summary>
public sealed record EngineUnderTest(string Name, BackendFactory Create)
{
    public string? Option { get; init; }
}
