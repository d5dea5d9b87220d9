using System.Globalization;
using Parity.Spec.Yaml;

namespace Parity.Harness.Shrinking;

/// <summary>One candidate reduction: what it changes, in a few words, and the spec's YAML tree with the change made.</summary>
public sealed record Reduction(string Change, MappingNode Spec);

/// <summary>
/// The reductions <see cref="Shrinker"/> tries on a spec's YAML tree, in a fixed order, each chosen to make the
/// checks after it cheaper: first fewer epochs; then a layer pair (a hidden linear and its activation) or a
/// single layer out of the model, which cuts the coordinates finite differences check in full mode and the work
/// of every evaluation; then fewer batch rows and data examples; the optimizer's options other than its learning
/// rate, the schedule and the clipping; and narrower layers. Layers before rows: finite differences evaluate the
/// model once or twice per coordinate, so the number of parameters, not of rows, sets a small spec's check — the
/// numpy example's planted bug (1,185 parameters) took 4.2–4.6 s a try until its layers went, whatever its rows.
/// A reduction may make a spec that does not load (a layer whose shapes no longer fit, a loss that needs another
/// output width): the loader refuses it, and it is not tried. Working on the
/// tree, not on <c>ParitySpec</c>, lets the loader validate every candidate and lets the result be written
/// as the YAML a user reads.
/// </summary>
public static class SpecReductions
{
    /// <summary>Keys that do not enter <c>parity check</c>'s checks: dropped before shrinking starts, without a try.</summary>
    public static readonly string[] Unchecked = ["description", "expect", "grid", "bench"];

    public static IEnumerable<Reduction> Of(MappingNode spec)
    {
        foreach (var reduction in Fewer(spec, ("train", "epochs")))
            yield return reduction;
        if (Entry(spec, "model") is SequenceNode model)
        {
            for (var i = 0; i + 1 < model.Items.Count; i++)
                yield return new Reduction($"removed layers {i} and {i + 1} ({Word(model.Items[i])}, {Word(model.Items[i + 1])})",
                    With(spec, "model", model with { Items = [.. model.Items.Take(i), .. model.Items.Skip(i + 2)] }));
            for (var i = 0; i < model.Items.Count; i++)
                yield return new Reduction($"removed layer {i} ({Word(model.Items[i])})", With(spec, "model", model with { Items = [.. model.Items.Where((_, j) => j != i)] }));
        }
        foreach (var reduction in Fewer(spec, ("train", "batch"), ("data", "train"), ("data", "test")))
            yield return reduction;
        if (Entry(spec, "data") is MappingNode data && Entry(data, "validation") is not null)
            yield return new Reduction("dropped data.validation", With(spec, "data", Without(data, "validation")));
        foreach (var key in new[] { "clip", "schedule" })
            if (Entry(spec, key) is not null)
                yield return new Reduction($"dropped {key}", Without(spec, key));
        if (Entry(spec, "optimizer") is MappingNode { Entries: [(var kind, MappingNode options)] } optimizer)
            foreach (var (option, _) in options.Entries.Where(e => e.Key.Value != "lr"))
                yield return new Reduction($"dropped optimizer.{kind.Value}.{option.Value}",
                    With(spec, "optimizer", optimizer with { Entries = [new(kind, Without(options, option.Value))] }));
        if (Entry(spec, "model") is SequenceNode layers)
            for (var i = 0; i < layers.Items.Count; i++)
                foreach (var (width, narrower) in Widths(layers.Items[i]))
                    yield return new Reduction($"narrowed layer {i} ({Word(layers.Items[i])}) to {width}",
                        With(spec, "model", layers with { Items = [.. layers.Items.Select((item, j) => j == i ? narrower : item)] }));
    }

    /// <summary>Each count of <paramref name="keys"/> (block.key) made smaller, in <see cref="Smaller"/>'s order.</summary>
    static IEnumerable<Reduction> Fewer(MappingNode spec, params (string Block, string Key)[] keys)
    {
        foreach (var (block, key) in keys)
            if (Entry(spec, block) is MappingNode mapping && Entry(mapping, key) is ScalarNode value)
                foreach (var smaller in Smaller(value.Value))
                    yield return new Reduction($"{block}.{key} {value.Value} → {smaller}", With(spec, block, With(mapping, key, value with { Value = Text(smaller) })));
    }

    /// <summary>A layer's output width narrowed: <c>linear: N</c>, <c>linear: {out: N}</c>, or an op's <c>out</c> (conv2d's channels).</summary>
    static IEnumerable<(int Width, SpecNode Layer)> Widths(SpecNode layer)
    {
        if (layer is not MappingNode { Entries: [var (word, settings)] } mapping)
            yield break;
        if (settings is ScalarNode width && word.Value == "linear")
            foreach (var smaller in Smaller(width.Value))
                yield return (smaller, mapping with { Entries = [new(word, width with { Value = Text(smaller) })] });
        if (settings is MappingNode options && Entry(options, "out") is ScalarNode channels)
            foreach (var smaller in Smaller(channels.Value))
                yield return (smaller, mapping with { Entries = [new(word, With(options, "out", channels with { Value = Text(smaller) }))] });
    }

    /// <summary>The whole numbers below <paramref name="value"/> worth trying, smallest first: 1, 2, 4, … below it.</summary>
    static IEnumerable<int> Smaller(string value)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            yield break;
        for (var smaller = 1; smaller < n; smaller *= 2)
            yield return smaller;
    }

    static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    static string Word(SpecNode layer) => layer switch
    {
        ScalarNode word => word.Value,
        MappingNode { Entries: [var (word, _), ..] } => word.Value,
        _ => "layer",
    };

    public static SpecNode? Entry(MappingNode mapping, string key) => mapping.Entries.FirstOrDefault(e => e.Key.Value == key).Value;

    public static MappingNode With(MappingNode mapping, string key, SpecNode value) => mapping with
    {
        Entries = Entry(mapping, key) is null
            ? [.. mapping.Entries, new(new ScalarNode(key, mapping.Mark), value)]
            : [.. mapping.Entries.Select(e => e.Key.Value == key ? new KeyValuePair<ScalarNode, SpecNode>(e.Key, value) : e)],
    };

    public static MappingNode Without(MappingNode mapping, string key) => mapping with { Entries = [.. mapping.Entries.Where(e => e.Key.Value != key)] };
}
