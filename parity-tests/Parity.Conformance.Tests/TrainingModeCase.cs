using Parity.Spec;

namespace Parity.Conformance.Tests;

/// <summary>
/// A generated case whose training differs from its evaluation: a small MLP with one dropout or batch-norm layer
/// (<paramref name="layer"/> as the spec writes it) at index 2, its mask or buffers in the case.
/// </summary>
static class TrainingModeCase
{
    public static ConformanceCase Of(string dtype, string layer)
    {
        var spec = SpecLoader.Parse($"name: modes\nseed: 2\ndtype: {dtype}\ndata: {{source: disk, train: 8}}\n"
            + $"model: [linear: 6, relu, {layer}, linear: 2]\nloss: cross-entropy\noptimizer: {{sgd: {{lr: 0.5, momentum: 0.9}}}}\ntrain: {{epochs: 1, batch: 8}}\n", "modes.yaml");
        return ConformanceCase.Generate($"modes-{dtype}", ModelDescriptions.Describe(spec));
    }
}
