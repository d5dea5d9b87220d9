using System.Text.Json;
using Parity.Spec;

namespace Parity.Conformance.Tests;

/// <summary>
/// The kit's transformer case is the model Parity itself would describe, and the case generated for it is one the
/// model takes: the kit depends on the contract alone, so its description is written out, and held here to
/// ModelDescriptions.Describe of the same spec so that neither can drift from the other.
/// </summary>
public class StandardCasesTests
{
    static ParitySpec TransformerSpec(string dtype) => SpecLoader.Parse($$$"""
        name: transformer-{{{dtype}}}
        seed: 1
        dtype: {{{dtype}}}
        data: {source: sort, length: 3, digits: 5, train: 8, test: 8}
        model:
          - embedding: {vocab: 5, dim: 8}
          - position-embedding: {block: 5}
          - residual:
              - layer-norm
              - causal-self-attention: {heads: 2}
          - residual:
              - layer-norm
              - linear: 16
              - gelu
              - linear: 8
          - layer-norm
          - linear: {out: 5, bias: false}
        loss: cross-entropy
        optimizer: {sgd: {lr: 0.5, momentum: 0.9, weight_decay: 0.01}}
        schedule: {exponential: {gamma: 0.5}}
        clip: {norm: 1.0}
        train: {epochs: 1, batch: 8}
        """, "transformer.yaml");

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void The_transformer_case_is_described_as_Parity_describes_its_spec(string dtype) =>
        Assert.Equal(Text(ModelDescriptions.Describe(TransformerSpec(dtype))), Text(ConformanceCases.Standard.Single(c => c.Name == $"transformer-{dtype}").Model));

    /// <summary>Ids below the vocabulary, every scored position a class below it, the first of each row left out of the loss.</summary>
    [Fact]
    public void The_transformer_case_s_batch_is_token_ids_and_a_class_per_position()
    {
        var c = ConformanceCases.Standard.Single(c => c.Name == "transformer-float64");

        Assert.Equal((8, 5, 40), (c.Batch.Rows, c.Batch.Features, c.Batch.X.Length));
        Assert.All(c.Batch.X, id => Assert.True(id is >= 0 and < 5 && id == Math.Floor(id), $"id {id}"));
        Assert.Equal(5, c.Batch.X.Distinct().Count());
        Assert.Equal(40, c.Batch.Classes!.Length);
        Assert.All(c.Batch.Classes.Chunk(5), row => Assert.Equal(Batch.IgnoredTarget, row[0]));
        Assert.All(c.Batch.Classes.Chunk(5).SelectMany(row => row[1..]), target => Assert.InRange(target, 0, 4));
        Assert.Null(c.Batch.Masks);
        Assert.All(c.InitialParameters.Where(p => p.Name is "2.0.weight" or "3.0.weight" or "4.weight").SelectMany(p => p.Data), w => Assert.InRange(w, 0.5, 1.5));
    }

    /// <summary>
    /// Attention with dropout trains with a mask [rows, heads, T, T] named by its path, and the backends keep the contract
    /// with it, in blocks that nest and start at the same layer: its input feeds it and both skips.
    /// </summary>
    [Theory]
    [InlineData("engine")]
    [InlineData("twin")]
    public void A_generated_case_masks_attention_dropout(string backend)
    {
        var c = SortCase("attention-dropout", "[embedding: {vocab: 4, dim: 4}, residual: [residual: [causal-self-attention: {heads: 2, dropout: 0.5}], layer-norm], linear: 4]");

        var mask = Assert.Single(c.Batch.Masks!);
        Assert.Equal("1.0.0.mask", mask.Name);
        Assert.Equal([4, 2, 5, 5], mask.Shape);
        Assert.Contains(0.0, mask.Data);
        ConformanceKit.Verify(BackendsUnderTest.ByName[backend], c);
    }

    /// <summary>Dropout and attention with p = 0 drop nothing: the case carries no mask, as Parity's batches, and the backends keep the contract without one.</summary>
    [Theory]
    [InlineData("engine")]
    [InlineData("twin")]
    public void A_generated_case_has_no_mask_for_p_0(string backend)
    {
        var c = SortCase("no-dropout", "[embedding: {vocab: 4, dim: 4}, residual: [causal-self-attention: {heads: 2, dropout: 0}, {dropout: {p: 0}}], linear: 4]");

        Assert.Null(c.Batch.Masks);
        ConformanceKit.Verify(BackendsUnderTest.ByName[backend], c);
    }

    /// <summary>A generated case of 4 rows for <paramref name="model"/> (a spec's model list) on sort sequences of 5 tokens below 4.</summary>
    static ConformanceCase SortCase(string name, string model)
    {
        var spec = SpecLoader.Parse($$$"""
            name: {{{name}}}
            seed: 3
            data: {source: sort, length: 3, digits: 4, train: 8, test: 8}
            model: {{{model}}}
            loss: cross-entropy
            optimizer: {sgd: {lr: 0.5}}
            train: {epochs: 1, batch: 8}
            """, $"{name}.yaml");
        return ConformanceCase.Generate(name, ModelDescriptions.Describe(spec), rows: 4);
    }

    /// <summary>Everything the description holds, as JSON: two equal texts are the same model for every engine.</summary>
    static string Text(ModelDescription model) => JsonSerializer.Serialize(model, new JsonSerializerOptions { WriteIndented = true });
}
