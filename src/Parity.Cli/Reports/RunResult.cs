using System.Text.Json;
using Parity.Cli.Sharding;
using Parity.Spec;

namespace Parity.Cli.Reports;

/// <summary>
/// A report folder's own result.json, beside its index: whether the run passed, the engines, which part
/// of which set of reports it holds (<c>1/1</c> unsharded), the spec reports and the example engines'
/// reports it holds in the set's order, and last — timings, set apart as a report's <c>bench</c> is —
/// each report's wall seconds, which <c>parity suite</c> keeps as the specs' costs.
/// </summary>
public sealed record RunResult(bool Passed, string Engine, string Reference, ShardRecord Shard, IReadOnlyList<string> Specs, IReadOnlyList<string> Examples, IReadOnlyDictionary<string, double> WallSeconds)
{
    public const string FileName = "result.json";

    public static RunResult Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new InputException($"{folder}: holds no {FileName} of a report folder; pass the --out folders of parity report or parity suite");
        try
        {
            var run = JsonSerializer.Deserialize<RunResult>(File.ReadAllText(path), Output.Json.Options);
            return run is { Shard.Set: not null, Specs: not null, Examples: not null, WallSeconds: not null, Engine: not null }
                ? run
                : throw new InputException($"{path}: records no shard; write the report again with this parity, with --shard i/n");
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}: not the result.json of a report folder ({InputException.OneLine(e.Message)}); pass the --out folders of parity report or parity suite");
        }
    }
}
