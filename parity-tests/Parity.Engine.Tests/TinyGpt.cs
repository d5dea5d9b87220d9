using System.Text.Json.Nodes;

namespace Parity.Engine.Tests;

/// <summary>
/// Model descriptions written by hand, as the spec side hands them over: a flat post-order list of
/// layers with their paths, each residual block listed after its layers with the entries it spans,
/// and the parameters in state_dict order with their owners' flat indices.
/// </summary>
sealed class FlatModel(int[] inputShape)
{
    readonly List<LayerDescription> _layers = [];
    readonly List<ParameterDescription> _parameters = [];
    int[] _shape = inputShape;

    public int[] InputShape { get; } = inputShape;

    /// <summary>A layer at <paramref name="path"/> taking the shape so far to <paramref name="output"/>, owning <paramref name="parameters"/> (names after the path).</summary>
    public FlatModel Layer(string path, string kind, string options, int[] output, params (string Name, int[] Shape)[] parameters)
    {
        _layers.Add(new LayerDescription(_layers.Count, kind, JsonNode.Parse(options)!.AsObject(), _shape, output) { Path = path });
        _parameters.AddRange(parameters.Select(p => new ParameterDescription($"{path}.{p.Name}", p.Shape, _layers.Count - 1)));
        _shape = output;
        return this;
    }

    /// <summary>A residual block at <paramref name="path"/> around the layers <paramref name="layers"/> adds (their paths start with its own).</summary>
    public FlatModel Residual(string path, Action<FlatModel> layers)
    {
        var (first, input) = (_layers.Count, _shape);
        layers(this);
        _layers.Add(new LayerDescription(_layers.Count, "residual", [], input, _shape) { Path = path, Span = _layers.Count - first });
        return this;
    }

    /// <summary>The model with a cross-entropy loss and AdamW, or SGD with momentum (<paramref name="sgd"/>).</summary>
    public ModelDescription Describe(string dtype, string inputDType, bool sgd = false) =>
        new("tiny-gpt", dtype, InputShape, [.. _layers], [.. _parameters],
            new Described("cross-entropy", new JsonObject { ["reduction"] = "mean" }),
            sgd ? new Described("sgd", JsonNode.Parse("""{"lr": 0.1, "momentum": 0.9, "dampening": 0, "weight_decay": 0, "nesterov": false}""")!.AsObject())
                : new Described("adamw", JsonNode.Parse("""{"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.1, "amsgrad": false}""")!.AsObject()),
            null, null, 1)
        { InputDType = inputDType };

    /// <summary>Random initial values, N(0, 0.2²)-like, for every parameter (layer norms' weights about 1).</summary>
    public static IReadOnlyList<HostTensor> RandomParameters(ModelDescription model, Random random) =>
        model.Parameters.Select(p => new HostTensor(p.Name, p.Shape, Enumerable.Range(0, p.Shape.Aggregate(1, (n, d) => n * d))
            .Select(_ => (model.Layers[p.Layer].Kind == "layer-norm" && p.Name.EndsWith(".weight") ? 1 : 0) + 0.4 * (random.NextDouble() - 0.5)).ToArray())).ToList();
}

/// <summary>
/// minGPT in miniature: token and position embeddings, <see cref="Blocks"/> blocks of
/// x + attn(ln(x)) and x + mlp(ln(x)) (linear, gelu, linear), a final layer norm and a linear head.
/// </summary>
static class TinyGpt
{
    public const int Vocab = 7, Length = 5, Width = 8, Heads = 2, Hidden = 16, Blocks = 2;

    public static ModelDescription Describe(string dtype, double attentionDropout = 0, bool sgd = false)
    {
        var model = new FlatModel([Length])
            .Layer("0", "embedding", $$"""{"num_embeddings": {{Vocab}}, "embedding_dim": {{Width}}}""", [Length, Width], ("weight", [Vocab, Width]))
            .Layer("1", "position-embedding", $$"""{"block_size": {{Length + 2}}, "embedding_dim": {{Width}}}""", [Length, Width], ("weight", [Length + 2, Width]));
        for (var b = 0; b < Blocks; b++)
        {
            var (attention, mlp) = ($"{2 + 2 * b}", $"{3 + 2 * b}");
            model.Residual(attention, block => block
                .Layer($"{attention}.0", "layer-norm", LayerNormOptions, [Length, Width], ("weight", [Width]), ("bias", [Width]))
                .Layer($"{attention}.1", "causal-self-attention", $$"""{"embed_dim": {{Width}}, "num_heads": {{Heads}}, "dropout": {{attentionDropout}}}""", [Length, Width],
                    ("c_attn.weight", [3 * Width, Width]), ("c_attn.bias", [3 * Width]), ("c_proj.weight", [Width, Width]), ("c_proj.bias", [Width])));
            model.Residual(mlp, block => block
                .Layer($"{mlp}.0", "layer-norm", LayerNormOptions, [Length, Width], ("weight", [Width]), ("bias", [Width]))
                .Layer($"{mlp}.1", "linear", $$"""{"in_features": {{Width}}, "out_features": {{Hidden}}, "bias": true}""", [Length, Hidden], ("weight", [Hidden, Width]), ("bias", [Hidden]))
                .Layer($"{mlp}.2", "gelu", """{"approximate": "tanh"}""", [Length, Hidden])
                .Layer($"{mlp}.3", "linear", $$"""{"in_features": {{Hidden}}, "out_features": {{Width}}, "bias": true}""", [Length, Width], ("weight", [Width, Hidden]), ("bias", [Width])));
        }
        var last = 2 + 2 * Blocks;
        return model
            .Layer($"{last}", "layer-norm", LayerNormOptions, [Length, Width], ("weight", [Width]), ("bias", [Width]))
            .Layer($"{last + 1}", "linear", $$"""{"in_features": {{Width}}, "out_features": {{Vocab}}, "bias": false}""", [Length, Vocab], ("weight", [Vocab, Width]))
            .Describe(dtype, "int64", sgd);
    }

    static readonly string LayerNormOptions = $$"""{"normalized_shape": [{{Width}}], "eps": 1e-5, "elementwise_affine": true}""";

    /// <summary>A batch of random token ids, each row's targets its ids shifted by one, the last position and about a quarter of the others ignored; with attention masks when the model drops.</summary>
    public static Batch Batch(ModelDescription model, int rows, Random random)
    {
        var ids = Enumerable.Range(0, rows * Length).Select(_ => (double)random.Next(Vocab)).ToArray();
        var targets = Enumerable.Range(0, rows * Length).Select(i => i % Length == Length - 1 || random.NextDouble() < 0.25 ? Contract.Batch.IgnoredTarget : (int)ids[i + 1]).ToArray();
        var masks = model.Layers.Where(layer => layer.Kind == "causal-self-attention" && layer.Number("dropout") > 0)
            .Select(layer => new HostTensor(Contract.Batch.MaskName(layer.Path), [rows, Heads, Length, Length],
                Enumerable.Range(0, rows * Heads * Length * Length).Select(_ => random.NextDouble() < layer.Number("dropout") ? 0.0 : 1.0).ToArray()))
            .ToList();
        return new Batch(rows, Length, ids, targets, null, 0, masks.Count > 0 ? masks : null);
    }
}
