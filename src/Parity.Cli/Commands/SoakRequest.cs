namespace Parity.Cli.Commands;

/// <summary>What <c>parity soak</c> is asked for: the spec, the engine, the training steps per engine, and the README to write.</summary>
public sealed record SoakRequest(string Spec, string Engine, int Steps, string? Readme);
