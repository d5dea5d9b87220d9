namespace Parity.Spec.Tests;

/// <summary>
/// The memory estimate counts what attention holds besides its output: per row its weights [H, T, T] and, training
/// with dropout, the scaled mask and the weights after it, in each of the two engines.
/// </summary>
public class MemoryEstimateTests
{
    /// <summary>T = 63 (sort of 32 digits) and 8 heads of width 1: the weights are 31,752 values a row, the layers' outputs 1,260.</summary>
    const string WideAttention = """
        name: wide-attention
        seed: 1
        dtype: float32
        data: {source: sort, length: 32, digits: 3, train: 64, test: 16}
        model:
          - embedding: {vocab: 3, dim: 8}
          - causal-self-attention: {heads: 8, dropout: 0.1}
          - linear: 3
        loss: cross-entropy
        optimizer: {sgd: {lr: 0.1}}
        train: {epochs: 1, batch: 64}

        """;

    const int Rows = 64, Weights = 8 * 63 * 63, Float32 = 4;

    [Fact]
    public void Attention_s_weights_and_mask_are_counted_in_both_engines()
    {
        var spec = SpecLoader.Parse(WideAttention, "wide-attention.yaml");
        var model = ModelDescriptions.Describe(spec);
        var estimate = MemoryEstimate.Of(spec);

        // The figure before attention was counted: each layer's output alone, in chunks of 2^23 such values, at most 4096 rows.
        var outputs = model.Layers.Aggregate(63L, (sum, layer) => sum + layer.OutputShape.Aggregate(1L, (n, d) => n * d));
        Assert.Equal(1_260, outputs);
        var chunk = Math.Clamp((1L << 23) / outputs, 1, 4096);
        var old = 2 * (estimate.Parameters + Math.Max(2 * Rows * outputs, chunk * outputs) * Float32) + estimate.Data;

        // Each engine keeps per row the weights, the scaled mask and the weights after the mask.
        Assert.True(estimate.Total - old >= 2 * Rows * 3 * Weights * Float32, $"estimated {estimate.Total:N0} bytes, {old:N0} without attention's weights");
        // An evaluation chunk holds the weights too, and is cut to 2^23 values with them: 239 rows, not 4096.
        Assert.Equal(239 * (outputs + 4 * 63 * 8 + Weights) * Float32, estimate.ChunkActivations);
    }

    [Fact]
    public void A_spec_whose_attention_passes_max_memory_is_refused_naming_it()
    {
        // 96 MiB estimated; 39 MiB before attention's weights were counted.
        var estimate = MemoryEstimate.Of(SpecLoader.Parse(WideAttention, "wide-attention.yaml"));
        var error = Assert.Throws<InputException>(() => estimate.Check("wide-attention.yaml", 80L << 20));
        Assert.StartsWith("wide-attention.yaml: a run needs an estimated ", error.Message);
        Assert.EndsWith("more than the 80.0 MiB of --max-memory; the largest part is the activations of a training batch, 96.2 MiB: make the model, the batch or the data smaller", error.Message);
    }
}
