using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>
/// Everything Parity knows about an optimizer, in one place, as <see cref="LayerOp"/> is for a layer: the spec
/// keyword (also the model description's kind, torch.optim's class in kebab-case), its options under torch.optim's
/// argument names with their defaults (written here only: the model description always carries every option, so
/// engines read them with no defaults of their own) and ranges, a combination torch.optim refuses, the state
/// entries the options make (<see cref="OptimizerStateKeys"/>, in the order one update computes them), the
/// step's nominal FLOPs per parameter element, the part of the update each entry is (for the diagnosis), and
/// the variants the optimizer helper test steps against TorchSharp's and the random specs draw from.
/// </summary>
public sealed record OptimizerOp(string Keyword)
{
    public IReadOnlyList<OpOption> Options { get; init; } = [];

    /// <summary>A combination of options torch.optim refuses: the option to point at and what is wrong; null when the settings are fine.</summary>
    public Func<OpSettings, (string Option, string Problem)?> Refuses { get; init; } = _ => null;

    /// <summary>The per-parameter state entries the settings make, in the order one update computes them.</summary>
    public Func<OpSettings, IReadOnlyList<string>> StateKeys { get; init; } = _ => [];

    /// <summary>The step's operations per parameter element, for bench's FLOP count.</summary>
    public Func<OpSettings, int> StepFlops { get; init; } = _ => 2;

    /// <summary>
    /// What computes a part of the update and the options that feed it, with their values, in the formula of the
    /// settings' variant: a state key, or "" for the step applied to the parameters; the step number (from 1)
    /// where the first step differs (SGD's first momentum buffer is the gradient itself).
    /// </summary>
    public Func<OpSettings, string, int, string> Part { get; init; } = (_, key, _) => $"{key} feeds it";

    /// <summary>The settings the optimizer helper test runs (options given by PyTorch name, the rest their defaults), each a variant of the update worth stepping.</summary>
    public IReadOnlyList<JsonObject> Examples { get; init; } = [[]];

    public OpSettings Settle(JsonObject given) => OpSettings.Settle(Keyword, Options, given);

    public OptimizerSpec With(JsonObject given) => new(this, Settle(given));
}
