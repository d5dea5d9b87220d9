using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>A layer's option values by PyTorch argument name, compared by value (so specs compare as records).</summary>
public sealed class OpSettings(JsonObject values) : IEquatable<OpSettings>
{
    public static OpSettings None { get; } = new([]);

    public double Number(string name) => values[name]!.GetValue<double>();

    public int Integer(string name) => values[name]!.GetValue<int>();

    public bool Flag(string name) => values[name]!.GetValue<bool>();

    /// <summary>A pair [h, w] or a list of sizes.</summary>
    public int[] Integers(string name) => values[name]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();

    public string Word(string name) => values[name]!.GetValue<string>();

    /// <summary>A fresh copy for a model description, which owns its options.</summary>
    public JsonObject ToJson() => (JsonObject)values.DeepClone();

    public bool Equals(OpSettings? other) => other is not null && JsonNode.DeepEquals(values, other.ToJson());

    public override bool Equals(object? obj) => Equals(obj as OpSettings);

    public override int GetHashCode() => values.Count;

    public override string ToString() => values.ToJsonString();
}
