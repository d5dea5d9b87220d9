using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>A layer's option values by PyTorch argument name, compared by value (so specs compare as records).</summary>
public sealed class OpSettings(JsonObject values) : IEquatable<OpSettings>
{
    public static OpSettings None { get; } = new([]);

    /// <summary>The settings from the options given (by PyTorch name), each left out taking its default, or the value of the option it defaults to.</summary>
    public static OpSettings Settle(string keyword, IReadOnlyList<OpOption> options, JsonObject given)
    {
        var values = new JsonObject();
        foreach (var option in options)
            values[option.Name] = (given[option.Name] ?? (option.DefaultFrom is { } from ? values[from] : option.Default)
                ?? throw new ArgumentException($"{keyword} needs '{option.SpecKey}'"))?.DeepClone();
        return new OpSettings(values);
    }

    public double Number(string name) => values[name]!.GetValue<double>();

    public int Integer(string name) => values[name]!.GetValue<int>();

    public bool Flag(string name) => values[name]!.GetValue<bool>();

    /// <summary>A pair [h, w] or a list of sizes.</summary>
    public int[] Integers(string name) => values[name]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();

    public double[] Numbers(string name) => values[name]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    public string Word(string name) => values[name]!.GetValue<string>();

    /// <summary>A fresh copy for a model description, which owns its options.</summary>
    public JsonObject ToJson() => (JsonObject)values.DeepClone();

    public bool Equals(OpSettings? other) => other is not null && JsonNode.DeepEquals(values, other.ToJson());

    public override bool Equals(object? obj) => Equals(obj as OpSettings);

    public override int GetHashCode() => values.Count;

    public override string ToString() => values.ToJsonString();
}
