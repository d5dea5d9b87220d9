using Parity.Cli.Sharding;
using Parity.Harness.Benchmarks;

namespace Parity.Cli.Commands;

/// <summary>
/// What <c>parity bench</c> is asked for: the specs and their shard, the engine, the JSON to write, the threads both
/// engines get side by side (the global --threads; null: each spec's own, StepThreads), the sweep, how long to time, and the README to write.
/// </summary>
public sealed record BenchRequest(string Specs, Shard Shard, string Engine, string? Json, int? Threads, string? Sweep, BenchmarkOptions Timing, string? Readme);
