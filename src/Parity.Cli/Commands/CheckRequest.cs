using Parity.Cli.Sharding;

namespace Parity.Cli.Commands;

/// <summary>What <c>parity check</c> is asked for: the specs and their shard, the engine, the JSON and dump to write, and the baseline to judge regressions against with its factor and margin.</summary>
public sealed record CheckRequest(string Specs, Shard Shard, string Engine, string? Json, string? Dump, string? Baseline, double Factor, double Margin);
