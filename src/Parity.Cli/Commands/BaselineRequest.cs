using Parity.Cli.Sharding;

namespace Parity.Cli.Commands;

/// <summary>What <c>parity baseline</c> is asked for: the specs and their shard, the engine, and the baseline file to write.</summary>
public sealed record BaselineRequest(string Specs, Shard Shard, string Engine, string Out);
