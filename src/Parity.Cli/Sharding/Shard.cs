using System.CommandLine;
using System.Globalization;
using Parity.Spec;

namespace Parity.Cli.Sharding;

/// <summary>
/// <c>--shard i/n</c>: the i-th of n parts of a run, for CI runners side by side. The parts are balanced
/// by each report's cost (<see cref="SpecCosts"/>): the most costly first, each onto the part with the
/// least so far, ties by name — not round-robin of file names, whose parts can differ by the cost of the
/// largest spec several times over. The split is a function of the folder and its cost file alone, so
/// every runner of one checkout computes the same one, and <c>parity merge</c> joins the parts.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public const string OptionName = "--shard";

    const int MaxCount = 256;

    public static Shard Whole { get; } = new(1, 1);

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>The option, created once and added to every command that runs a folder of specs (<see cref="ParityCommandLine"/>).</summary>
    public static Option<Shard> CreateOption() => new(OptionName)
    {
        Description = $"Run only the i-th of n parts of the specs, balanced by their cost ({SpecCosts.FileName} beside the specs), e.g. --shard 2/3; parity merge joins the parts' reports",
        DefaultValueFactory = _ => Whole,
        CustomParser = result =>
        {
            if (result.Tokens is [var token] && Parse(token.Value) is { } shard)
                return shard;
            result.AddError($"{OptionName} takes i/n, the i-th of n parts with 1 ≤ i ≤ n ≤ {MaxCount}, e.g. {OptionName} 2/3");
            return Whole;
        },
    };

    static Shard? Parse(string text) =>
        text.Split('/') is [var i, var n]
        && int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
        && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
        && count is >= 1 and <= MaxCount && index >= 1 && index <= count
            ? new Shard(index, count)
            : null;

    /// <summary>
    /// The parts of <paramref name="costs"/>' names (longest-processing-time first): by cost, highest
    /// first and ties by name, each onto the part with the least total cost, ties to the lower part.
    /// Every name lands in exactly one part; a part may be empty when there are fewer names than parts.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Partition(IReadOnlyDictionary<string, double> costs, int count)
    {
        var parts = Enumerable.Range(0, count).Select(_ => new List<string>()).ToArray();
        var loads = new double[count];
        foreach (var (name, cost) in costs.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            var least = Array.IndexOf(loads, loads.Min());
            parts[least].Add(name);
            loads[least] += cost;
        }
        return parts;
    }

    /// <summary>
    /// The names of this part's reports: each report, named <c>Name</c>, is of <c>Spec</c>, and
    /// <paramref name="folder"/>'s cost file (none for a single spec file) prices them.
    /// </summary>
    public IReadOnlySet<string> Members(IReadOnlyList<(string Name, ParitySpec Spec)> reports, string? folder)
    {
        if (Count == 1)
            return reports.Select(r => r.Name).ToHashSet();
        var costs = SpecCosts.Of(reports, folder);
        return Partition(costs, Count)[Index - 1].ToHashSet();
    }

    /// <summary>This part of the specs of SPEC|DIR, in name order, and the record of which part of which set it is (for an output's <c>shard</c>).</summary>
    public (IReadOnlyList<ParitySpec> Specs, ShardRecord Record) Part(string specPath)
    {
        var all = SpecLoader.LoadAll(specPath);
        var mine = Members([.. all.Select(spec => (spec.Name, spec))], CostFolder(specPath));
        return ([.. all.Where(spec => mine.Contains(spec.Name))], ShardRecord.Of(this, [.. all.Select(spec => spec.Name)]));
    }

    /// <summary>Where the cost file of SPEC|DIR is: in the folder; a single spec file has none.</summary>
    public static string? CostFolder(string specPath) => Directory.Exists(specPath) ? specPath : null;
}
