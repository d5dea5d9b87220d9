using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>
/// One option of a layer op: its PyTorch argument name (what the model description carries), the key
/// a spec writes it under (the same name unless an older spec keyword is kept), its default, and
/// either its valid range or its valid words.
/// </summary>
public sealed record OpOption(string Name, string SpecKey, JsonValue Default, double Min, double Max, bool ExclusiveMin, IReadOnlyList<string>? Words)
{
    public static OpOption Number(string name, double fallback, double min, double max, bool exclusiveMin = false, string? specKey = null) =>
        new(name, specKey ?? name, JsonValue.Create(fallback), min, max, exclusiveMin, null);

    public static OpOption Choice(string name, params string[] words) =>
        new(name, name, JsonValue.Create(words[0]), 0, 0, false, words);

    /// <summary>How the spec format writes it, e.g. "alpha (default 1, > 0)" or "approximate (none|tanh)".</summary>
    public string Help => Words is { } words
        ? $"{SpecKey} ({string.Join("|", words)})"
        : $"{SpecKey} (default {Default}, {(ExclusiveMin ? ">" : ">=")} {Min}, <= {Max})";
}
