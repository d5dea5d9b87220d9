namespace Parity.Cli.Commands;

/// <summary>What <c>parity sweep</c> is asked for: how many random specs from which first seed, the folder to keep the failing ones in, and the engine.</summary>
public sealed record SweepSpecsRequest(int Count, long FirstSeed, string? Keep, string Engine);
