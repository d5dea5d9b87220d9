using System.Text.Json.Nodes;
using Parity.Spec.Yaml;

namespace Parity.Spec;

/// <summary>How an option is written: a number, one of some words, a whole number, true/false, a pair [h, w] (one number for both), a list of sizes, or two numbers (Adam's betas).</summary>
public enum OptionForm { Number, Choice, Integer, Flag, Pair, Sizes, Numbers }

/// <summary>
/// One option of a layer op: its PyTorch argument name (what the model description carries), the key
/// a spec writes it under (the same name unless the spec's shorter key is kept, e.g. <c>out</c> for
/// <c>out_channels</c>), its form, its default (none: the spec must give it; or the value of the option
/// <see cref="DefaultFrom"/> names, as max_pool2d's stride defaults to its kernel_size), and its valid
/// range or words.
/// </summary>
public sealed record OpOption(string Name, string SpecKey, OptionForm Form, JsonNode? Default, double Min, double Max, bool ExclusiveMin, IReadOnlyList<string>? Words)
{
    public string? DefaultFrom { get; init; }

    /// <summary>A number; <paramref name="fallback"/> null: required.</summary>
    public static OpOption Number(string name, double? fallback, double min, double max, bool exclusiveMin = false, string? specKey = null) =>
        new(name, specKey ?? name, OptionForm.Number, fallback is { } f ? JsonValue.Create(f) : null, min, max, exclusiveMin, null);

    /// <summary>Two numbers, each in [min, max], as Adam's betas.</summary>
    public static OpOption Numbers(string name, double first, double second, double min, double max) =>
        new(name, name, OptionForm.Numbers, new JsonArray(first, second), min, max, false, null);

    public static OpOption Choice(string name, params string[] words) =>
        new(name, name, OptionForm.Choice, JsonValue.Create(words[0]), 0, 0, false, words);

    /// <summary>A whole number; <paramref name="fallback"/> null: required.</summary>
    public static OpOption Integer(string name, int? fallback, int min, int max, string? specKey = null) =>
        new(name, specKey ?? name, OptionForm.Integer, fallback is { } f ? JsonValue.Create(f) : null, min, max, false, null);

    public static OpOption Flag(string name, bool fallback, string? specKey = null) =>
        new(name, specKey ?? name, OptionForm.Flag, JsonValue.Create(fallback), 0, 0, false, null);

    /// <summary>A pair [h, w] as conv2d's and the pools' sizes; the spec may write one number for both. <paramref name="fallback"/> null: required.</summary>
    public static OpOption Pair(string name, int? fallback, int min, int max, string? specKey = null) =>
        new(name, specKey ?? name, OptionForm.Pair, fallback is { } f ? new JsonArray(f, f) : null, min, max, false, null);

    /// <summary>A list of sizes, each at least 1 (unflatten's unflattened_size); required.</summary>
    public static OpOption Sizes(string name, string? specKey = null) =>
        new(name, specKey ?? name, OptionForm.Sizes, null, 1, 1_000_000, false, null);

    /// <summary>How the spec format writes it, e.g. "alpha (default 1, > 0)", "approximate (none|tanh)" or "out (required, >= 1, <= 100000)".</summary>
    public string Help => Form switch
    {
        OptionForm.Choice => $"{SpecKey} ({string.Join("|", Words!)})",
        OptionForm.Flag => $"{SpecKey} (default {Default!.ToJsonString()})",
        OptionForm.Sizes => $"{SpecKey} (required, a list of sizes such as [1, 28, 28])",
        OptionForm.Numbers => $"{SpecKey} ({DefaultText}, two numbers >= {Min}, <= {Max})",
        _ => $"{SpecKey} ({DefaultText}, {(ExclusiveMin ? ">" : ">=")} {Min}, <= {Max})",
    };

    string DefaultText => DefaultFrom is { } from ? $"default {from}" : Default is null ? "required" : $"default {Default.ToJsonString()}";

    /// <summary>The option's value from its spec node, checked against its form and range, as the model description carries it.</summary>
    public JsonNode Read(SpecNode node, string path) => Form switch
    {
        OptionForm.Choice => JsonValue.Create(Scalars.Choice(node, path, Words!.ToDictionary(w => w))),
        OptionForm.Number => JsonValue.Create(Scalars.Number(node, path, Min, Max, ExclusiveMin)),
        OptionForm.Integer => JsonValue.Create((int)Scalars.Integer(node, path, (long)Min, (long)Max)),
        OptionForm.Flag => JsonValue.Create(Scalars.Boolean(node, path)),
        OptionForm.Pair => node switch
        {
            ScalarNode => new JsonArray(Whole(node, path), Whole(node, path)),
            SequenceNode { Items.Count: 2 } pair => new JsonArray(Whole(pair.Items[0], $"{path}[0]"), Whole(pair.Items[1], $"{path}[1]")),
            _ => throw new SpecException(node.Mark, $"'{path}' must be one whole number or a pair [height, width], e.g. 3 or [3, 3]"),
        },
        OptionForm.Numbers => node is SequenceNode { Items.Count: 2 } two
            ? new JsonArray(JsonValue.Create(Scalars.Number(two.Items[0], $"{path}[0]", Min, Max)), JsonValue.Create(Scalars.Number(two.Items[1], $"{path}[1]", Min, Max)))
            : throw new SpecException(node.Mark, $"'{path}' must be two numbers, each >= {Min} and <= {Max}, e.g. {Default!.ToJsonString().Replace(",", ", ")}"),
        _ => node is SequenceNode { Items.Count: > 0 } sizes
            ? new JsonArray([.. sizes.Items.Select((item, i) => (JsonNode)Whole(item, $"{path}[{i}]"))])
            : throw new SpecException(node.Mark, $"'{path}' must be a list of sizes such as [1, 28, 28]"),
    };

    JsonValue Whole(SpecNode node, string path) => JsonValue.Create((int)Scalars.Integer(node, path, (long)Min, (long)Max));
}
