using System.Text.Json.Nodes;

namespace Parity.Conformance;

/// <summary>
/// Ready-made cases, in float64 and float32, that between them use every option the checks look at:
/// momentum, Nesterov, dampening and weight decay, both schedules, both clippings, the mean and the
/// sum reductions — on the layers and losses any engine is expected to have (linear, ReLU, tanh,
/// sigmoid; MSE, BCE, cross-entropy) — and a small transformer on token ids (embedding, position
/// embedding, residual blocks of layer norm and causal self-attention, and of layer norm and an MLP,
/// cross-entropy over every position), for an engine of contract 2.3.0's sequence layers. Each optimizer
/// carries every option, as Parity's model descriptions do. Learning rates are large enough that a step is far from rounding.
/// </summary>
public static class ConformanceCases
{
    public static IReadOnlyList<ConformanceCase> Standard { get; } =
    [
        .. new[] { "float64", "float32" }.SelectMany(dtype => new[]
        {
            ConformanceCase.Generate($"tanh-sigmoid-bce-{dtype}", Mlp($"tanh-sigmoid-bce-{dtype}", dtype, 3, [("linear", 5), ("tanh", 5), ("linear", 1), ("sigmoid", 1)],
                Part("bce", ("reduction", "mean")),
                Part("sgd", ("lr", 0.5), ("momentum", 0.9), ("dampening", 0.0), ("weight_decay", 0.0), ("nesterov", false)),
                Part("exponential", ("gamma", 0.5)),
                null)),
            ConformanceCase.Generate($"relu-cross-entropy-{dtype}", Mlp($"relu-cross-entropy-{dtype}", dtype, 4, [("linear", 6), ("relu", 6), ("linear", 3)],
                Part("cross-entropy", ("reduction", "mean")),
                Part("sgd", ("lr", 0.5), ("momentum", 0.9), ("dampening", 0.0), ("weight_decay", 0.01), ("nesterov", true)),
                Part("step", ("step_size", 1), ("gamma", 0.1)),
                Part("norm", ("max_norm", 0.5)))),
            ConformanceCase.Generate($"sigmoid-mse-sum-{dtype}", Mlp($"sigmoid-mse-sum-{dtype}", dtype, 3, [("linear", 4), ("sigmoid", 4), ("linear", 2)],
                Part("mse", ("reduction", "sum")),
                Part("sgd", ("lr", 0.2), ("momentum", 0.5), ("dampening", 0.3), ("weight_decay", 0.0), ("nesterov", false)),
                null,
                Part("value", ("clip_value", 0.05)))),
            ConformanceCase.Generate($"transformer-{dtype}", Transformer($"transformer-{dtype}", dtype)),
        }),
    ];

    /// <summary>The transformer case's sizes: the sort task's vocabulary of 5 digits and T = 5 (sequences of 3), 8 wide, 2 heads, an MLP 16 wide.</summary>
    const int Vocab = 5, T = 5, C = 8, Heads = 2, Hidden = 16;

    /// <summary>
    /// What Parity's ModelDescriptions.Describe makes of this spec (Parity.Conformance.Tests holds the two
    /// equal), written out here because the kit depends on the contract alone:
    /// <code>
    /// data: {source: sort, length: 3, digits: 5}
    /// model:
    ///   - embedding: {vocab: 5, dim: 8}
    ///   - position-embedding: {block: 5}
    ///   - residual: [layer-norm, causal-self-attention: {heads: 2}]
    ///   - residual: [layer-norm, linear: 16, gelu, linear: 8]
    ///   - layer-norm
    ///   - linear: {out: 5, bias: false}
    /// loss: cross-entropy
    /// optimizer: {sgd: {lr: 0.5, momentum: 0.9, weight_decay: 0.01}}
    /// schedule: {exponential: {gamma: 0.5}}
    /// clip: {norm: 1.0}
    /// </code>
    /// The flat list is post-order: each block after its layers, which are named inside it ("2.1.c_attn.weight").
    /// </summary>
    static ModelDescription Transformer(string name, string dtype)
    {
        int[] tokens = [T], sequence = [T, C], hidden = [T, Hidden], logits = [T, Vocab];
        JsonObject Norm() => new() { ["eps"] = 1e-5, ["elementwise_affine"] = true, ["normalized_shape"] = new JsonArray(C) };
        JsonObject Linear(int inFeatures, int outFeatures, bool bias) => new() { ["in_features"] = inFeatures, ["out_features"] = outFeatures, ["bias"] = bias };
        LayerDescription[] layers =
        [
            new(0, "embedding", new() { ["num_embeddings"] = Vocab, ["embedding_dim"] = C }, tokens, sequence),
            new(1, "position-embedding", new() { ["block_size"] = T, ["embedding_dim"] = C }, sequence, sequence),
            new(2, "layer-norm", Norm(), sequence, sequence) { Path = "2.0" },
            new(3, "causal-self-attention", new() { ["num_heads"] = Heads, ["dropout"] = 0.0, ["embed_dim"] = C }, sequence, sequence) { Path = "2.1" },
            new(4, "residual", [], sequence, sequence) { Path = "2", Span = 2 },
            new(5, "layer-norm", Norm(), sequence, sequence) { Path = "3.0" },
            new(6, "linear", Linear(C, Hidden, true), sequence, hidden) { Path = "3.1" },
            new(7, "gelu", new() { ["approximate"] = "none" }, hidden, hidden) { Path = "3.2" },
            new(8, "linear", Linear(Hidden, C, true), hidden, sequence) { Path = "3.3" },
            new(9, "residual", [], sequence, sequence) { Path = "3", Span = 4 },
            new(10, "layer-norm", Norm(), sequence, sequence) { Path = "4" },
            new(11, "linear", Linear(C, Vocab, false), sequence, logits) { Path = "5" },
        ];
        ParameterDescription[] parameters =
        [
            new("0.weight", [Vocab, C], 0),
            new("1.weight", [T, C], 1),
            new("2.0.weight", [C], 2), new("2.0.bias", [C], 2),
            new("2.1.c_attn.weight", [3 * C, C], 3), new("2.1.c_attn.bias", [3 * C], 3), new("2.1.c_proj.weight", [C, C], 3), new("2.1.c_proj.bias", [C], 3),
            new("3.0.weight", [C], 5), new("3.0.bias", [C], 5),
            new("3.1.weight", [Hidden, C], 6), new("3.1.bias", [Hidden], 6),
            new("3.3.weight", [C, Hidden], 8), new("3.3.bias", [C], 8),
            new("4.weight", [C], 10), new("4.bias", [C], 10),
            new("5.weight", [Vocab, C], 11),
        ];
        return new ModelDescription(name, dtype, tokens, layers, parameters,
            Part("cross-entropy", ("reduction", "mean")),
            Part("sgd", ("lr", 0.5), ("momentum", 0.9), ("dampening", 0.0), ("weight_decay", 0.01), ("nesterov", false)),
            Part("exponential", ("gamma", 0.5)),
            Part("norm", ("max_norm", 1.0)),
            Seed: 1) { InputDType = "int64" };
    }

    /// <summary>A Sequential of the given layers (kind, output width) on inputs of <paramref name="inputs"/> features, its parameters named as its state_dict.</summary>
    static ModelDescription Mlp(string name, string dtype, int inputs, (string Kind, int Width)[] layers, Described loss, Described sgd, Described? schedule, Described? clip)
    {
        var described = new List<LayerDescription>();
        var parameters = new List<ParameterDescription>();
        var width = inputs;
        foreach (var ((kind, outWidth), index) in layers.Select((layer, i) => (layer, i)))
        {
            var options = new JsonObject();
            if (kind == "linear")
            {
                options = new JsonObject { ["in_features"] = width, ["out_features"] = outWidth, ["bias"] = true };
                parameters.Add(new ParameterDescription($"{index}.weight", [outWidth, width], index));
                parameters.Add(new ParameterDescription($"{index}.bias", [outWidth], index));
            }
            described.Add(new LayerDescription(index, kind, options, [width], [outWidth]));
            width = outWidth;
        }
        return new ModelDescription(name, dtype, [inputs], described, parameters, loss, sgd, schedule, clip, Seed: 1);
    }

    static Described Part(string kind, params (string Name, JsonNode Value)[] options) =>
        new(kind, new JsonObject(options.Select(o => KeyValuePair.Create(o.Name, (JsonNode?)o.Value))));
}
