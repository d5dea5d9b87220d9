using Parity.Spec;

namespace Parity.Cli.Sharding;

/// <summary>
/// Which part an output holds (<c>index</c> of <c>count</c>) of which set of reports (<c>set</c>, in the
/// unsharded run's order): written into every report folder's result.json and every baseline, so that
/// <c>parity merge</c> can tell a missing, a repeated or a foreign part.
/// </summary>
public sealed record ShardRecord(int Index, int Count, IReadOnlyList<string> Set)
{
    public static ShardRecord Of(Shard shard, IReadOnlyList<string> set) => new(shard.Index, shard.Count, set);

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>
    /// Checks that <paramref name="parts"/> are every part of one set exactly once, each of their
    /// reports (<c>Members</c>) in exactly one, and returns the set; otherwise one message naming the
    /// part or report at fault.
    /// </summary>
    public static IReadOnlyList<string> Join(IReadOnlyList<(string Source, ShardRecord Shard, IReadOnlyList<string> Members)> parts)
    {
        var first = parts[0];
        foreach (var part in parts)
        {
            if (part.Shard.Count != first.Shard.Count)
                throw new InputException($"{part.Source}: is shard {part.Shard}, and {first.Source} is shard {first.Shard}; pass the parts of one run, all split the same number of ways");
            if (!part.Shard.Set.SequenceEqual(first.Shard.Set))
                throw new InputException($"{part.Source}: is a part of another set of specs than {first.Source}; pass the parts of one run over one folder");
        }
        foreach (var twice in parts.GroupBy(p => p.Shard.Index).Where(g => g.Count() > 1))
            throw new InputException($"shard {twice.First().Shard} is given twice: {string.Join(" and ", twice.Select(p => p.Source))}; pass each shard's output once");
        var count = first.Shard.Count;
        if (Enumerable.Range(1, count).FirstOrDefault(i => parts.All(p => p.Shard.Index != i)) is var missing and > 0)
            throw new InputException($"shard {missing}/{count} is missing; pass the outputs of every shard, 1/{count} to {count}/{count}");
        var holders = parts.SelectMany(p => p.Members.Select(m => (Member: m, p.Source))).ToLookup(h => h.Member, h => h.Source);
        foreach (var part in parts)
            if (part.Members.FirstOrDefault(m => !first.Shard.Set.Contains(m)) is { } stranger)
                throw new InputException($"{part.Source}: holds {stranger}, which its shard record does not list; the output was changed after the run");
        foreach (var report in first.Shard.Set)
        {
            if (!holders.Contains(report))
                throw new InputException($"{report} is in no shard; were the shards split from different cost files? run every shard from one checkout");
            if (holders[report].Count() > 1)
                throw new InputException($"{report} is in more than one shard ({string.Join(" and ", holders[report])}); run every shard from one checkout");
        }
        return first.Shard.Set;
    }
}
