using System.Text.Json.Nodes;

namespace Parity.Protocol.Tests;

/// <summary>
/// A model of token ids with a residual block over the protocol, on the numpy example: the ids cross as
/// int64 (an embedding cannot index with floats), the description carries each layer's path and span (the
/// package names "1.1.c_attn.weight" and finds "1.1.mask" by them), and run_layer of the block answers for
/// every parameter inside it, agreeing with the whole model's gradients.
/// </summary>
public class TokenModelProtocolTests
{
    const int Rows = 2, T = 5, C = 6, Heads = 2, Vocab = 4;

    static readonly ModelDescription Model = new("tokens", "float64", [T],
        [
            new(0, "embedding", new JsonObject { ["num_embeddings"] = Vocab, ["embedding_dim"] = C }, [T], [T, C]),
            new(1, "layer-norm", new JsonObject { ["normalized_shape"] = new JsonArray(C), ["eps"] = 1e-5, ["elementwise_affine"] = true }, [T, C], [T, C]) { Path = "1.0" },
            new(2, "causal-self-attention", new JsonObject { ["embed_dim"] = C, ["num_heads"] = Heads, ["dropout"] = 0.5 }, [T, C], [T, C]) { Path = "1.1" },
            new(3, "residual", [], [T, C], [T, C]) { Path = "1", Span = 2 },
            new(4, "linear", new JsonObject { ["in_features"] = C, ["out_features"] = Vocab, ["bias"] = false }, [T, C], [T, Vocab]) { Path = "2" },
        ],
        [
            new("0.weight", [Vocab, C], 0), new("1.0.weight", [C], 1), new("1.0.bias", [C], 1),
            new("1.1.c_attn.weight", [3 * C, C], 2), new("1.1.c_attn.bias", [3 * C], 2), new("1.1.c_proj.weight", [C, C], 2), new("1.1.c_proj.bias", [C], 2),
            new("2.weight", [Vocab, C], 4),
        ],
        new("cross-entropy", new JsonObject { ["reduction"] = "mean" }),
        new("adamw", new JsonObject { ["lr"] = 1e-3, ["betas"] = new JsonArray(0.9, 0.95), ["eps"] = 1e-8, ["weight_decay"] = 0.1, ["amsgrad"] = false }),
        null, null, 1) { InputDType = "int64" };

    // Token 1 repeats; the first two positions of each row are not scored, as the sort task leaves them.
    static readonly Batch Tokens = new(Rows, T, [1, 3, 1, 1, 0, 2, 1, 0, 3, 3],
        [Batch.IgnoredTarget, Batch.IgnoredTarget, 1, 1, 3, Batch.IgnoredTarget, Batch.IgnoredTarget, 0, 3, 3], null, Vocab,
        [new HostTensor("1.1.mask", [Rows, Heads, T, T], [.. Enumerable.Range(0, Rows * Heads * T * T).Select(i => i % 3 == 0 ? 0.0 : 1.0)])]);

    static ProcessBackend Start()
    {
        var random = new Random(5);
        var initial = Model.Parameters.Select(p => new HostTensor(p.Name, p.Shape, [.. Enumerable.Range(0, p.Shape.Aggregate(1, (n, d) => n * d)).Select(_ => random.NextDouble() - 0.5)])).ToList();
        return new ProcessBackend(Engines.Numpy()["exec:".Length..], Model, initial, TimeSpan.FromSeconds(60), new StringWriter(), new object());
    }

    /// <summary>What build sends: the input's dtype, and each layer's path and span, by which an engine finds the blocks and names.</summary>
    [Fact]
    public void The_description_carries_the_input_dtype_and_each_layer_s_path_and_span()
    {
        var json = ModelDescriptionJson.Of(Model);

        Assert.Equal("int64", json["input_dtype"]!.GetValue<string>());
        var layers = json["layers"]!.AsArray().Select(l => (l!["path"]!.GetValue<string>(), l["span"]!.GetValue<int>()));
        Assert.Equal([("0", 0), ("1.0", 0), ("1.1", 0), ("1", 2), ("2", 0)], layers);
    }

    [Fact]
    public void Token_ids_cross_as_int64_and_have_a_zero_gradient()
    {
        using var engine = Start();

        var gradients = engine.ComputeGradients(Tokens);

        Assert.True(double.IsFinite(gradients.Loss));
        Assert.Equal([Rows, T], gradients.Input.Shape);
        Assert.All(gradients.Input.Data, g => Assert.Equal(0.0, g));
        Assert.Equal(Model.Parameters.Select(p => p.Name), gradients.Parameters.Select(p => p.Name));
        var embedding = engine.RunLayer(0, Tokens, new HostTensor("x", [Rows, T], Tokens.X), gradients.LayerOutputs[0]);
        Assert.All(embedding.Input.Data, g => Assert.Equal(0.0, g));
        Assert.Equal(gradients.Parameters[0].Data, embedding.Parameters.Single().Data);
    }

    [Fact]
    public void Run_layer_of_a_residual_block_gives_the_gradients_of_every_parameter_inside_as_the_whole_model_does()
    {
        using var engine = Start();
        var outputs = engine.Forward(Tokens);
        var gradients = engine.ComputeGradients(Tokens);

        var block = engine.RunLayer(3, Tokens, outputs[0], gradients.LayerOutputs[3]);

        Assert.Equal(outputs[3].Data, block.Output.Data);
        Assert.Equal(["1.0.weight", "1.0.bias", "1.1.c_attn.weight", "1.1.c_attn.bias", "1.1.c_proj.weight", "1.1.c_proj.bias"], block.Parameters.Select(p => p.Name));
        foreach (var parameter in block.Parameters)
            Close(gradients.Parameters.Single(p => p.Name == parameter.Name).Data, parameter.Data);
        // The block's input feeds the block alone: its gradient is the embedding's output gradient.
        Close(gradients.LayerOutputs[0].Data, block.Input.Data);
    }

    /// <summary>Equal up to float64 rounding: the block alone sums its gradients in another order than the whole model.</summary>
    static void Close(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First, pair.Second, 1e-12));
    }
}
