using System.Text.Json.Nodes;

namespace Parity.Contract;

/// <summary>
/// One part of a model description — a layer, the loss, the optimizer, the schedule, the clipping — as
/// a kind in PyTorch's words, kebab-case (<c>linear</c>, <c>leaky-relu</c>, <c>cross-entropy</c>,
/// <c>sgd</c>), and its options under PyTorch's argument names (<c>out_features</c>,
/// <c>negative_slope</c>, <c>weight_decay</c>). Options are JSON values, exactly as the engine
/// protocol sends them.
/// </summary>
public record Described(string Kind, JsonObject Options)
{
    public double Number(string name) => Required(name).GetValue<double>();

    public double Number(string name, double fallback) => Options[name] is { } value ? value.GetValue<double>() : fallback;

    public int Integer(string name) => Required(name).GetValue<int>();

    /// <summary>A true/false option the description must carry, as an optimizer's: Parity's model description gives every one.</summary>
    public bool Flag(string name) => Required(name).GetValue<bool>();

    public bool Flag(string name, bool fallback) => Options[name] is { } value ? value.GetValue<bool>() : fallback;

    public string Word(string name, string fallback) => Options[name] is { } value ? value.GetValue<string>() : fallback;

    public double[] Numbers(string name) => Required(name).AsArray().Select(value => value!.GetValue<double>()).ToArray();

    public int[] Integers(string name) => Required(name).AsArray().Select(value => value!.GetValue<int>()).ToArray();

    /// <summary>A list of parts, each an object with its kind under "kind" and its options beside it (a SequentialLR's schedulers).</summary>
    public IReadOnlyList<Described> Parts(string name) => Required(name).AsArray().Select(node =>
    {
        var options = node!.DeepClone().AsObject();
        var kind = options["kind"]?.GetValue<string>() ?? throw new KeyNotFoundException($"{Kind}: a part of '{name}' has no kind");
        options.Remove("kind");
        return new Described(kind, options);
    }).ToList();

    JsonNode Required(string name) => Options[name] ?? throw new KeyNotFoundException($"{Kind} has no option '{name}'");
}
