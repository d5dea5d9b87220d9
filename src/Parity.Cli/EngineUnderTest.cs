namespace Parity.Cli;

/// <summary>The engine a run checks against the reference: the name reports give it, and how to build it for a model.</summary>
public sealed record EngineUnderTest(string Name, BackendFactory Create);
