namespace Parity.Conformance.Checks;

/// <summary>The names and shapes the contract gives per-layer tensors and the input's gradient, for a case's batch.</summary>
static class Outline
{
    /// <summary>What is wrong with a list of per-layer tensors (outputs, or gradients reaching them): their count, names and shapes.</summary>
    public static IEnumerable<string> LayerProblems(ConformanceCase c, string what, IReadOnlyList<HostTensor> tensors)
    {
        var expected = string.Join(", ", c.Model.Layers.Select(l => $"{l.Index} [{string.Join(", ", l.OutputShape.Prepend(c.Batch.Rows))}]"));
        if (Closeness.Names(tensors) != expected)
            yield return $"{what} gives {Closeness.Names(tensors)}; expected one per layer: {expected}";
    }

    /// <summary>[rows, …the input's shape]: the batch's features as the model takes them.</summary>
    public static int[] Input(ConformanceCase c) => [c.Batch.Rows, .. c.Model.InputShape];
}
