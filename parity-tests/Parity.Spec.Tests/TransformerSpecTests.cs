using static System.FormattableString;
using Parity.Spec.Initialization;

namespace Parity.Spec.Tests;

/// <summary>
/// A minGPT-like spec (issue 24): residual blocks flattened in post-order with PyTorch paths and spans,
/// token inputs, the transformer ops' parameters, masks named by path, and each shape error at its place.
/// </summary>
public class TransformerSpecTests
{
    /// <summary>minGPT's sorting demo, small: sort 6 digits below 3 (T = 11), two blocks of width 12.</summary>
    public const string GptSort = """
        name: gpt-sort
        seed: 3
        data: {source: sort, length: 6, digits: 3, train: 60, test: 20}
        model:
          - embedding: {vocab: 3, dim: 12}
          - position-embedding: {block: 11}
          - residual:
              - layer-norm
              - causal-self-attention: {heads: 3}
          - residual:
              - layer-norm
              - linear: 48
              - gelu
              - linear: 12
          - layer-norm
          - linear: {out: 3, bias: false}
        loss: cross-entropy
        optimizer: {adamw: {lr: 0.0005}}
        train: {epochs: 1, batch: 8}

        """;

    static ParitySpec Parse(string text) => SpecLoader.Parse(text, "gpt.yaml");

    /// <summary>The spec with <paramref name="model"/>'s lines (indented two spaces) in place of its model list.</summary>
    static string WithModel(string model)
    {
        var start = GptSort.IndexOf("model:\n", StringComparison.Ordinal);
        var end = GptSort.IndexOf("loss:", StringComparison.Ordinal);
        return GptSort[..start] + "model:\n" + model + GptSort[end..];
    }

    [Fact]
    public void The_model_is_one_flat_post_order_list_with_paths_and_spans()
    {
        var model = ModelDescriptions.Describe(Parse(GptSort));
        Assert.Equal(["0", "1", "2.0", "2.1", "2", "3.0", "3.1", "3.2", "3.3", "3", "4", "5"], model.Layers.Select(l => l.Path));
        Assert.Equal([0, 0, 0, 0, 2, 0, 0, 0, 0, 4, 0, 0], model.Layers.Select(l => l.Span));
        Assert.Equal(Enumerable.Range(0, 12), model.Layers.Select(l => l.Index));
        Assert.Equal(["embedding", "position-embedding", "layer-norm", "causal-self-attention", "residual", "layer-norm", "linear", "gelu", "linear", "residual", "layer-norm", "linear"],
            model.Layers.Select(l => l.Kind));
        Assert.Equal("int64", model.InputDType);
        Assert.Equal([11], model.InputShape);
        Assert.Equal([11], model.Layers[0].InputShape);
        Assert.Equal([11, 12], model.Layers[0].OutputShape);
        Assert.Equal([11, 48], model.Layers[6].OutputShape);
        Assert.All(model.Layers.Where(l => l.Kind == "residual"), l => Assert.Equal([11, 12], l.InputShape));
        Assert.Equal([11, 3], model.Layers[^1].OutputShape);
    }

    [Fact]
    public void Parameters_are_named_by_path_and_owned_by_their_flat_layer()
    {
        var model = ModelDescriptions.Describe(Parse(GptSort));
        Assert.Equal(
        [
            ("0.weight", "3,12", 0), ("1.weight", "11,12", 1), ("2.0.weight", "12", 2), ("2.0.bias", "12", 2),
            ("2.1.c_attn.weight", "36,12", 3), ("2.1.c_attn.bias", "36", 3), ("2.1.c_proj.weight", "12,12", 3), ("2.1.c_proj.bias", "12", 3),
            ("3.0.weight", "12", 5), ("3.0.bias", "12", 5), ("3.1.weight", "48,12", 6), ("3.1.bias", "48", 6), ("3.3.weight", "12,48", 8), ("3.3.bias", "12", 8),
            ("4.weight", "12", 10), ("4.bias", "12", 10), ("5.weight", "3,12", 11),
        ], model.Parameters.Select(p => (p.Name, string.Join(",", p.Shape), p.Layer)));
    }

    [Fact]
    public void The_ops_carry_their_pytorch_options()
    {
        var layers = ModelDescriptions.Describe(Parse(GptSort)).Layers;
        Assert.Equal("""{"num_embeddings":3,"embedding_dim":12}""", layers[0].Options.ToJsonString());
        Assert.Equal("""{"block_size":11,"embedding_dim":12}""", layers[1].Options.ToJsonString());
        Assert.Equal("""{"eps":1E-05,"elementwise_affine":true,"normalized_shape":[12]}""", layers[2].Options.ToJsonString());
        Assert.Equal("""{"num_heads":3,"dropout":0,"embed_dim":12}""", layers[3].Options.ToJsonString());
        Assert.Equal("{}", layers[4].Options.ToJsonString());
        Assert.Equal("""{"in_features":12,"out_features":48,"bias":true}""", layers[6].Options.ToJsonString());
    }

    [Fact]
    public void Residual_blocks_nest_and_their_spans_count_every_descendant()
    {
        var model = ModelDescriptions.Describe(Parse(WithModel("""
              - embedding: {vocab: 3, dim: 12}
              - residual: [{linear: 12}, {residual: [relu, {linear: 12}]}]
              - linear: 3

            """)));
        Assert.Equal(["0", "1.0", "1.1.0", "1.1.1", "1.1", "1", "2"], model.Layers.Select(l => l.Path));
        Assert.Equal([0, 0, 0, 0, 2, 4, 0], model.Layers.Select(l => l.Span));
        Assert.Equal(["0.weight", "1.0.weight", "1.0.bias", "1.1.1.weight", "1.1.1.bias", "2.weight", "2.bias"], model.Parameters.Select(p => p.Name));
        Assert.Equal([0, 1, 1, 3, 3, 6, 6], model.Parameters.Select(p => p.Layer));
    }

    [Fact]
    public void The_spec_model_is_the_flat_list_and_old_models_keep_their_index_paths()
    {
        var spec = Parse(GptSort);
        Assert.Equal(12, spec.Model.Count);
        Assert.Equal(2, Assert.IsType<ResidualLayer>(spec.Model[4]).Span);
        Assert.Equal(4, Assert.IsType<ResidualLayer>(spec.Model[9]).Span);
        Assert.Equal("2.1", spec.Model[3].Path);
        var flat = ModelDescriptions.Describe(SpecText.Parse(SpecText.Valid));
        Assert.Equal(["0", "1", "2", "3"], flat.Layers.Select(l => l.Path));
        Assert.Equal("float", flat.InputDType);
        Assert.All(flat.Layers, l => Assert.Equal(0, l.Span));
    }

    [Fact]
    public void Initial_parameters_follow_the_paths_and_each_op_init()
    {
        var spec = Parse(GptSort);
        var tensors = InitialParameters.Create(spec);
        Assert.Equal(ModelDescriptions.Describe(spec).Parameters.Select(p => p.Name), tensors.Select(t => t.Name));
        double Std(string name) => Math.Sqrt(tensors.Single(t => t.Name == name).Data.Select(v => v * v).Average());
        // nn.Embedding's N(0, 1), minGPT's N(0, 0.02) for the position table, nn.Linear's U(±1/√C) for attention.
        Assert.InRange(Std("0.weight"), 0.5, 1.6);
        Assert.InRange(Std("1.weight"), 0.01, 0.03);
        Assert.All(tensors.Single(t => t.Name == "2.1.c_attn.weight").Data, v => Assert.InRange(Math.Abs(v), 0, 1 / Math.Sqrt(12)));
        Assert.All(tensors.Single(t => t.Name == "2.0.weight").Data, v => Assert.Equal(1, v));
        Assert.All(tensors.Single(t => t.Name == "2.0.bias").Data, v => Assert.Equal(0, v));
    }

    [Fact]
    public void A_state_dict_with_nested_names_matches_and_a_missing_one_is_named()
    {
        var spec = Parse(GptSort);
        var model = ModelDescriptions.Describe(spec);
        var file = InitialParameters.Create(spec).Select(t => (t, "F64")).ToList();
        Assert.Equal(file.Select(f => f.t.Name), StateDictMatch.Match(model, file, "w.safetensors").Select(t => t.Name));
        var error = Assert.Throws<InputException>(() => StateDictMatch.Match(model, [.. file.Where(f => f.t.Name != "2.1.c_attn.weight")], "w.safetensors"));
        Assert.Contains("the model's tensor '2.1.c_attn.weight' [36, 12] is not in the file", error.Message);
    }

    [Fact]
    public void Attention_and_dropout_masks_are_named_by_path_and_shaped_by_their_op()
    {
        var spec = Parse(WithModel("""
              - embedding: {vocab: 3, dim: 12}
              - residual:
                  - layer-norm
                  - causal-self-attention: {heads: 3, dropout: 0.1}
              - residual: [{linear: 12}, {dropout: {p: 0.5}}]
              - linear: 3

            """));
        var data = Data.DatasetLoader.Load(spec);
        var batch = Batches.ForStep(spec, data.Train, [0, 1, 2, 3], epoch: 0, start: 0);
        Assert.Equal(["1.1.mask", "2.1.mask"], batch.Masks!.Select(m => m.Name));
        Assert.Equal([4, 3, 11, 11], batch.Masks![0].Shape);
        Assert.Equal([4, 11, 12], batch.Masks![1].Shape);
        var dropped = batch.Masks![0].Data.Count(v => v == 0) / (double)batch.Masks![0].Data.Length;
        Assert.InRange(dropped, 0.05, 0.15);
        Assert.Equal(batch.Masks![0].Data, Batches.ForStep(spec, data.Train, [0, 1, 2, 3], 0, 0).Masks![0].Data);
        Assert.NotEqual(batch.Masks![0].Data, Batches.ForStep(spec, data.Train, [0, 1, 2, 3], 0, 4).Masks![0].Data);
    }

    /// <summary>A layer drops, and its batches carry its mask, only with p > 0: attention's [rows, heads, T, T] of ones would be pure cost.</summary>
    [Theory]
    [InlineData(0.0, 0.0, new string[0])]
    [InlineData(0.1, 0.0, new[] { "1.1.mask" })]
    [InlineData(0.0, 0.2, new[] { "2.1.mask" })]
    public void Only_a_layer_with_p_above_0_gets_a_mask(double attention, double dropout, string[] masks)
    {
        var spec = Parse(WithModel("""
              - embedding: {vocab: 3, dim: 12}
              - residual:
                  - layer-norm
                  - causal-self-attention: {heads: 3, dropout: ATTENTION}
              - residual: [{linear: 12}, {dropout: {p: DROPOUT}}]
              - linear: 3

            """.Replace("ATTENTION", Invariant($"{attention}")).Replace("DROPOUT", Invariant($"{dropout}"))));
        var batch = Batches.ForStep(spec, Data.DatasetLoader.Load(spec).Train, [0, 1, 2, 3], epoch: 0, start: 0);
        Assert.Equal(masks, batch.Masks?.Select(m => m.Name) ?? []);
        Assert.All(batch.Masks ?? [], mask => Assert.Contains(0.0, mask.Data));
        Assert.Equal(masks.Length > 0, spec.Model.OfType<OpLayer>().Any(layer => layer.Op.TrainingDiffers(layer.Settings)));
    }

    [Fact]
    public void A_batch_of_sequences_holds_token_ids_and_rows_times_t_targets()
    {
        var spec = Parse(GptSort);
        var data = Data.DatasetLoader.Load(spec);
        var batch = Batches.ForStep(spec, data.Train, [5, 2], 0, 0);
        Assert.Equal((2, 11), (batch.Rows, batch.Features));
        Assert.Equal(22, batch.Classes!.Length);
        Assert.Equal(data.Train.Labels!.AsSpan(5 * 11, 11).ToArray(), batch.Classes[..11]);
        Assert.Equal(data.Train.Labels!.AsSpan(2 * 11, 11).ToArray(), batch.Classes[11..]);
        Assert.All(batch.X, id => Assert.True(id is 0 or 1 or 2));
        // Attention without dropout drops nothing: no mask [rows, heads, T, T] of ones.
        Assert.Null(batch.Masks);
        Assert.Equal(AccuracyRule.PerSequence, spec.Accuracy);
    }

    [Theory]
    [InlineData("  - embedding: {vocab: 3, dim: 12}\n  - residual: [{linear: 5}]\n  - linear: 3\n",
        "'model[1]' (residual): its layers turn its input [11, 12] into [11, 5], and it adds the two; end its layers with one that gives [11, 12], e.g. 'linear: 12'", 6, 5)]
    [InlineData("  - embedding: {vocab: 3, dim: 12}\n  - residual: []\n  - linear: 3\n",
        "'model[1]': residual needs a list of the layers it wraps", 6, 15)]
    [InlineData("  - embedding: {vocab: 3, dim: 12}\n  - position-embedding: {block: 8}\n  - linear: 3\n",
        "'model[1]' (position-embedding): its block 8 is shorter than the sequence's 11 positions; use block: 11 or more", 6, 5)]
    [InlineData("  - embedding: {vocab: 3, dim: 12}\n  - residual: [{causal-self-attention: {heads: 5}}]\n  - linear: 3\n",
        "'model[1].residual[0]' (causal-self-attention): its 5 heads do not divide the 12 channels of its input; use heads that divide 12 (1, 2, 3, 4, 6, 12)", 6, 17)]
    [InlineData("  - linear: 12\n  - embedding: {vocab: 3, dim: 12}\n  - linear: 3\n",
        "'model[1]' (embedding) takes token ids, the model's input; make it the model's first layer", 6, 5)]
    [InlineData("  - linear: 12\n  - linear: 3\n",
        "data source sort gives token ids, which only an embedding takes; start the model with '- embedding: {vocab: 3, dim: 48}'", 5, 5)]
    [InlineData("  - embedding: {vocab: 2, dim: 12}\n  - linear: 3\n",
        "'model[0]' (embedding): its vocab 2 is smaller than the 3 distinct tokens of data source sort; use vocab: 3", 5, 5)]
    [InlineData("  - embedding: {vocab: 3, dim: 12}\n  - linear: 4\n",
        "cross-entropy over data source sort needs one row of 3 logits per position, [11, 3], but the model's output is [11, 4]; end the model with 'linear: 3'", 6, 5)]
    [InlineData("  - embedding: {vocab: 3, dim: 12}\n  - layer-norm\n  - flatten\n  - layer-norm\n  - unflatten: [11, 2, 6]\n  - layer-norm\n  - linear: 3\n",
        "'model[5]' (layer-norm): layer-norm normalizes the last dimension of flat features [C] or a sequence [T, C], but its input is [11, 2, 6]", 10, 5)]
    [InlineData("  - embedding: {dim: 12}\n  - linear: 3\n", "'model[0]': embedding needs 'vocab', e.g. '- embedding: {vocab: 4, dim: 3}'", 5, 16)]
    public void Sequence_models_that_do_not_fit_name_the_layer_and_the_fix(string model, string problem, int line, int column)
    {
        var error = Assert.Throws<SpecException>(() => Parse(WithModel(model)));
        Assert.Contains(problem, error.Problem);
        Assert.Equal(new SourceMark("gpt.yaml", line, column), error.Mark);
    }

    [Fact]
    public void An_embedding_on_features_is_refused()
    {
        var error = Assert.Throws<SpecException>(() => SpecText.ParseWith("model: [embedding: {vocab: 3, dim: 4}, linear: 1, sigmoid]"));
        Assert.Contains("'model[0]' (embedding) takes token ids, but data source disk gives features; use data source sort or text, or remove it", error.Problem);
    }

    [Theory]
    [InlineData("loss: mse", "data source sort is scored per token, which mse does not do; use loss: cross-entropy", 17, 7)]
    [InlineData("data: {source: sort, length: 2, digits: 2, train: 60}", "sort with length 2 and digits 2 has only 4 distinct inputs, and a quarter of them are held out for test; raise length or digits to make at least 64", 3, 41)]
    [InlineData("data: {source: sort, digits: 3, train: 60}", "'data' needs the key 'length'", 3, 7)]
    [InlineData("data: {source: sort, length: 6, digits: 3, block: 4, train: 60}", "'data.block' applies to source text only; remove it", 3, 51)]
    [InlineData("data: {source: text, path: no-such.txt, block: 4, train: 60}", "'data.path': no file at", 3, 28)]
    [InlineData("data: {source: disk, length: 6, train: 60}", "'data.length' applies to source sort only; remove it", 3, 30)]
    public void Sequence_data_and_losses_that_do_not_fit(string line, string problem, int atLine, int column)
    {
        var key = line[..line.IndexOf(':')];
        var text = string.Join('\n', GptSort.Split('\n').Select(l => l.StartsWith(key + ":", StringComparison.Ordinal) ? line : l));
        var error = Assert.Throws<SpecException>(() => Parse(text));
        Assert.Contains(problem, error.Problem);
        Assert.Equal(new SourceMark("gpt.yaml", atLine, column), error.Mark);
    }
}
