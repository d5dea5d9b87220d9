using Parity.Cli.Sharding;

namespace Parity.Cli.Commands;

/// <summary>What <c>parity train</c> is asked for: the specs and their shard, the engine, which side trains, the JSON and README to write, K seeds and their margin, and teacher forcing.</summary>
public sealed record TrainRequest(string Specs, Shard Shard, string Engine, string Side, string? Json, int Seeds, double Margin, string? Readme, bool TeacherForcing);
