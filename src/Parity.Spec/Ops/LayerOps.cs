using System.Text.Json.Nodes;
using static Parity.Spec.LayerShapes;

namespace Parity.Spec;

/// <summary>
/// The catalogue of layer ops: one registration per op, read by the spec loader (options, shape
/// checks), the model description (options, shapes, parameters), the initial parameters, bench's FLOP
/// count, gradcheck's kinks, the diagnosis, the dump and the op helper test. A new op is an entry
/// here, its engine module and its TorchSharp mapping.
/// </summary>
public static class LayerOps
{
    public static IReadOnlyList<LayerOp> All { get; } =
    [
        new("identity", 0, 0) { Slope = One },
        // max(x, 0); then g where y > 0
        new("relu", 1, 1)
        {
            Slope = One,
            HasKinks = true,
            Mistakes = _ =>
            [
                new("the mask is inverted: the gradient passes where x ≤ 0 and stops where x > 0", (x, y) => x > 0 ? 0 : 1),
                new("the mask is missing: the gradient passes everywhere, also where x ≤ 0", (x, y) => 1),
            ],
        },
        new("leaky-relu", 2, 2)
        {
            Options = [OpOption.Number("negative_slope", 0.01, 0, 1, specKey: "slope")],
            Slope = One,
            HasKinks = true,
            Mistakes = settings => Slope(settings.Number("negative_slope")),
        },
        // the function, then g·(1 − y²)
        new("tanh", 1, 3)
        {
            Slope = One,
            Mistakes = _ =>
            [
                new("it matches g·(1 − x²): tanh′ = 1 − y² is taken on the input x instead of the output y = tanh x", (x, y) => 1 - x * x),
                new("it matches g·(1 − y): the square of tanh′ = 1 − y² is missing", (x, y) => 1 - y),
            ],
        },
        // the function, then g·(1 − y)·y
        new("sigmoid", 1, 3)
        {
            Slope = _ => 0.25,
            IsProbability = true,
            Mistakes = _ =>
            [
                new("it matches g·y: the (1 − y) factor of σ′ = y·(1 − y) is missing", (x, y) => y),
                new("it matches g·(1 − y): the y factor of σ′ = y·(1 − y) is missing", (x, y) => 1 - y),
                new("it matches g·x·(1 − x): σ′ = y·(1 − y) is taken on the input x instead of the output y = σ(x)", (x, y) => x * (1 - x)),
            ],
        },
        // shift, exp, sum, divide; then a dot product, subtract, multiply
        new("softmax", 4, 4)
        {
            Fixed = () => new() { ["dim"] = 1 },
            Shape = (_, input) => Flat("softmax", input),
            // dy = y ⊙ (dx − Σⱼ yⱼ·dxⱼ): at most ½ per unit of the largest input error
            Slope = One,
            IsProbability = true,
            Mistakes = _ =>
            [
                new("it matches g·y·(1 − y): only the diagonal of softmax's Jacobian diag(y) − y·yᵀ is used; dx = y ⊙ (g − Σⱼ gⱼ·yⱼ)", (x, y) => y * (1 - y)),
                new("it matches y ⊙ g: the −Σⱼ gⱼ·yⱼ term of dx = y ⊙ (g − Σⱼ gⱼ·yⱼ) is missing", (x, y) => y),
            ],
        },
        // shift, exp, sum, log, subtract; then a sum, exp, multiply, subtract
        new("log-softmax", 5, 4)
        {
            Fixed = () => new() { ["dim"] = 1 },
            IsLogProbability = true,
            Shape = (_, input) => Flat("log-softmax", input),
            // dy = dx − softmax(x)·Σⱼ … : at most 2 per unit of the largest input error
            Slope = _ => 2,
            Mistakes = _ => [new("it matches g: the −softmax(x)·Σⱼ gⱼ term of log-softmax's dx = g − softmax(x)·Σⱼ gⱼ is missing", (x, y) => 1)],
        },
        // x·Φ(x) by erf, or the tanh form; then Φ(x) + x·φ(x)
        new("gelu", 8, 10)
        {
            Options = [OpOption.Choice("approximate", "none", "tanh")],
            // Φ(x) + x·φ(x) peaks at 1.129 (x = √2)
            Slope = _ => 1.13,
            // in training the engine keeps the forward's erf or tanh of each value for the backward
            Holds = (_, input, training) => training ? Count(input) : 0,
            Mistakes = settings => settings.Word("approximate") == "none"
                ? [new("it matches the derivative of GELU's tanh approximation: approximate 'none' asks for the exact x·Φ(x), whose derivative is Φ(x) + x·φ(x)", GeluTanhDerivative)]
                : [],
        },
        // alpha·(exp(x) − 1) below 0; then g·(y + alpha) there
        new("elu", 3, 2)
        {
            Options = [OpOption.Number("alpha", 1, 0, 100)],
            // alpha·exp(x) below 0, 1 above
            Slope = settings => Math.Max(1, settings.Number("alpha")),
            // for alpha ≠ 1 the derivative jumps from alpha to 1 at 0
            HasKinks = true,
            Mistakes = settings => Elu(settings.Number("alpha")),
        },
        // σ(x), then x·σ; then g·σ·(1 + x·(1 − σ))
        new("silu", 2, 5)
        {
            // σ(x)·(1 + x·(1 − σ(x))) peaks at 1.0998 (x ≈ 2.4)
            Slope = _ => 1.1,
            Mistakes = _ => [new("it matches g·σ(x): the x·σ(x)·(1 − σ(x)) term of SiLU's derivative σ(x)·(1 + x·(1 − σ(x))) is missing", (x, y) => 1 / (1 + Math.Exp(-x)))],
        },
        // log(1 + exp(β·x))/β, x itself where β·x > threshold; then g·σ(β·x)
        new("softplus", 4, 3)
        {
            Options = [OpOption.Number("beta", 1, 0, 100, exclusiveMin: true), OpOption.Number("threshold", 20, 0, 1000, exclusiveMin: true)],
            Slope = One,
            Mistakes = settings => Softplus(settings.Number("beta"), settings.Number("threshold")),
        },
        // nn.Conv2d without groups: a weight [out, in, kh, kw] cross-correlated with the input
        new("conv2d", 0, 0)
        {
            Options =
            [
                OpOption.Integer("out_channels", null, 1, 100_000, specKey: "out"), OpOption.Pair("kernel_size", null, 1, 1000, specKey: "kernel"),
                OpOption.Pair("stride", 1, 1, 1000), OpOption.Pair("padding", 0, 0, 1000), OpOption.Pair("dilation", 1, 1, 1000), OpOption.Flag("bias", true),
            ],
            Derived = input => new() { ["in_channels"] = input[0] },
            Shape = (settings, input) => ImageShapes.Slide("conv2d", settings, input, settings.Integer("out_channels"), pool: false),
            Owns = ImageShapes.ConvolutionTensors,
            Cost = ImageShapes.Convolution,
            Explain = ImageMistakes.Convolution,
            Examples =
            [
                new(new() { ["out_channels"] = 3, ["kernel_size"] = new JsonArray(3, 2) }, [2, 5, 4]),
                new(new() { ["out_channels"] = 2, ["kernel_size"] = new JsonArray(2, 3), ["stride"] = new JsonArray(2, 1), ["padding"] = new JsonArray(1, 2), ["dilation"] = new JsonArray(1, 2), ["bias"] = false }, [3, 6, 5]),
                // the last column of taps dilated past the whole image, padding and all: every output takes zero there
                new(new() { ["out_channels"] = 1, ["kernel_size"] = new JsonArray(2, 3), ["padding"] = new JsonArray(0, 1), ["dilation"] = new JsonArray(1, 2) }, [1, 5, 3]),
            ],
        },
        // the first maximum of each window in row-major order takes the gradient, as PyTorch's kernel picks it
        new("max-pool2d", 1, 1)
        {
            Options = [OpOption.Pair("kernel_size", null, 1, 1000, specKey: "kernel"), OpOption.Pair("stride", null, 1, 1000) with { DefaultFrom = "kernel_size" }, OpOption.Pair("padding", 0, 0, 1000)],
            Shape = (settings, input) => ImageShapes.Slide("max-pool2d", settings, input, input.Length > 0 ? input[0] : 0, pool: true),
            Cost = (settings, _, output) => ImageShapes.Pool(settings, output, max: true),
            Slope = One,
            HasKinks = true,
            Sides = ImageShapes.WindowChoices,
            SidesCount = ImageShapes.WindowPositions,
            Explain = MaxPoolMistakes.Explain,
            Examples =
            [
                new(new() { ["kernel_size"] = new JsonArray(2, 2) }, [2, 4, 6]),
                new(new() { ["kernel_size"] = new JsonArray(3, 2), ["stride"] = new JsonArray(2, 1), ["padding"] = new JsonArray(1, 1) }, [2, 5, 4]),
            ],
        },
        // count_include_pad: padding counts in the divisor, PyTorch's default
        new("avg-pool2d", 1, 1)
        {
            Options = [OpOption.Pair("kernel_size", null, 1, 1000, specKey: "kernel"), OpOption.Pair("stride", null, 1, 1000) with { DefaultFrom = "kernel_size" }, OpOption.Pair("padding", 0, 0, 1000)],
            Fixed = () => new() { ["count_include_pad"] = true },
            Shape = (settings, input) => ImageShapes.Slide("avg-pool2d", settings, input, input.Length > 0 ? input[0] : 0, pool: true),
            Cost = (settings, _, output) => ImageShapes.Pool(settings, output, max: false),
            Slope = One,
            Explain = ImageMistakes.AvgPool,
            Examples =
            [
                new(new() { ["kernel_size"] = new JsonArray(2, 2) }, [2, 4, 6]),
                new(new() { ["kernel_size"] = new JsonArray(3, 2), ["stride"] = new JsonArray(2, 1), ["padding"] = new JsonArray(1, 1) }, [2, 5, 4]),
            ],
        },
        // nn.Flatten: one sample's dimensions into one; the engine's rows already hold them so
        new("flatten", 0, 0)
        {
            Fixed = () => new() { ["start_dim"] = 1, ["end_dim"] = -1 },
            Shape = (_, input) => [Count(input)],
            Slope = One,
            Examples = [new([], [2, 3, 2])],
        },
        // nn.Unflatten(1, sizes): the features as [C, H, W]
        new("unflatten", 0, 0)
        {
            Options = [OpOption.Sizes("unflattened_size")],
            Shorthand = "unflattened_size",
            Fixed = () => new() { ["dim"] = 1 },
            Slope = One,
            Shape = (settings, input) => settings.Integers("unflattened_size") is var sizes && Count(sizes) == input[0]
                ? [.. sizes, .. input[1..]]
                : throw new ShapeException($"unflatten to {Text(sizes)} makes {Count(sizes)} features, but its input is {Text(input)}; give sizes whose product is {input[0]}"),
            Examples = [new(new() { ["unflattened_size"] = new JsonArray(2, 3, 2) }, [12])],
        },
        // x·mask/(1 − p) in training; then g·mask/(1 − p)
        new("dropout", 1, 1)
        {
            // p = 1 drops everything and 1/(1 − p) is infinite; PyTorch special-cases it to zeros, nothing to train.
            Options = [OpOption.Number("p", 0.5, 0, 0.99)],
            DropProbability = settings => settings.Number("p"),
            Slope = settings => 1 / (1 - settings.Number("p")),
            // p = 0 keeps everything: its training is its evaluation, and it gets no mask.
            TrainingDiffers = settings => settings.Number("p") > 0,
            ForwardMistakes = (settings, _) =>
            [
                new($"it matches (1 − p)·y = {Wording(1 - settings.Number("p"))}·y: the kept values are not rescaled by 1/(1 − p), p = {Wording(settings.Number("p"))}",
                    (x, y, _) => [.. y.Select(v => (1 - settings.Number("p")) * v)]),
                new("it matches x: the mask is not applied in training", (x, y, _) => x),
            ],
            // p = 0: no mask in the batch, and the layer passes its input through in training too
            Examples = [new([], [4]), new(new() { ["p"] = 0.0 }, [4])],
        },
        BatchNormRules.Op("batch-norm1d", images: false, [new([], [4]), new(new() { ["affine"] = false, ["momentum"] = 0.3 }, [3, 2])]),
        BatchNormRules.Op("batch-norm2d", images: true, [new([], [2, 3, 2]), new(new() { ["affine"] = false, ["eps"] = 0.01 }, [3, 2, 2])]),
        // weight[id] per position; then weight.grad[id] += g for every (row, position), accumulated where ids repeat
        new("embedding", 0, 0)
        {
            Options = [OpOption.Integer("num_embeddings", null, 1, 10_000_000, specKey: "vocab"), OpOption.Integer("embedding_dim", null, 1, 1_000_000, specKey: "dim")],
            Vocabulary = settings => settings.Integer("num_embeddings"),
            Shape = SequenceShapes.Embed,
            Owns = (settings, _) => [new("weight", [settings.Integer("num_embeddings"), settings.Integer("embedding_dim")], TensorRole.Normal) { Std = 1 }],
            Cost = (_, _, output) => new OpCost(0, Count(output), 0),
            Explain = SequenceMistakes.Embedding,
            // a repeated id, so that a backward which overwrites instead of accumulating fails
            Examples = [new(new() { ["num_embeddings"] = 4, ["embedding_dim"] = 3 }, [6])],
        },
        // x + weight[:T] (minGPT's wpe, added); then g passes, and weight.grad[t] += Σ_rows g[t]
        new("position-embedding", 1, 1)
        {
            Options = [OpOption.Integer("block_size", null, 1, 1_000_000, specKey: "block")],
            Derived = input => new() { ["embedding_dim"] = input[^1] },
            Shape = SequenceShapes.AddPositions,
            Owns = (settings, input) => [new("weight", [settings.Integer("block_size"), input[^1]], TensorRole.Normal) { Std = 0.02 }],
            Cost = (_, _, output) => new OpCost(Count(output), Count(output), 0),
            Slope = One,
            Explain = SequenceMistakes.PositionEmbedding,
            // a block longer than the sequence: its last rows take no gradient
            Examples = [new(new() { ["block_size"] = 4 }, [4, 3]), new(new() { ["block_size"] = 7 }, [4, 3])],
        },
        // mean, variance, normalize, scale and shift over the last dimension; then the two projections out of g·w/σ
        new("layer-norm", 8, 10)
        {
            Options = [OpOption.Number("eps", 1e-5, 0, 1, exclusiveMin: true), OpOption.Flag("elementwise_affine", true, specKey: "affine")],
            Derived = input => new() { ["normalized_shape"] = new JsonArray(input[^1]) },
            Shape = SequenceShapes.LastDimension,
            Owns = (settings, input) => settings.Flag("elementwise_affine") ? [new("weight", [input[^1]], TensorRole.Ones), new("bias", [input[^1]], TensorRole.Zeros)] : [],
            Explain = SequenceMistakes.LayerNorm,
            OutputScale = LayerNormScales.OutputScale,
            InputGradientSlope = LayerNormScales.InputGradientSlope,
            Examples = [new([], [4]), new(new() { ["elementwise_affine"] = false, ["eps"] = 0.01 }, [3, 4])],
        },
        // minGPT's CausalSelfAttention: qkv = x·Wᵀ + b, per head softmax(q·kᵀ/√d) under the causal mask, times v, then the projection
        new("causal-self-attention", 0, 0)
        {
            Options = [OpOption.Integer("num_heads", null, 1, 10_000, specKey: "heads"), OpOption.Number("dropout", 0, 0, 0.99)],
            Derived = input => new() { ["embed_dim"] = input[^1] },
            Shape = SequenceShapes.Attend,
            Owns = SequenceShapes.AttentionTensors,
            Cost = SequenceShapes.Attention,
            Holds = SequenceShapes.AttentionHolds,
            DropProbability = settings => settings.Number("dropout"),
            MaskShape = (settings, input) => [settings.Integer("num_heads"), input[0], input[0]],
            // Without dropout its training forward is its evaluation.
            TrainingDiffers = settings => settings.Number("dropout") > 0,
            Explain = AttentionMistakes.Explain,
            ExplainOutput = AttentionMistakes.ExplainForward,
            Examples =
            [
                new(new() { ["num_heads"] = 2 }, [4, 6]),
                new(new() { ["num_heads"] = 3, ["dropout"] = 0.25 }, [5, 6]),
            ],
        },
    ];

    static string Wording(double value) => value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    static readonly Dictionary<string, LayerOp> ByKeyword = All.ToDictionary(op => op.Keyword);

    public static IEnumerable<string> Keywords => ByKeyword.Keys;

    public static LayerOp? Find(string keyword) => ByKeyword.GetValueOrDefault(keyword);

    public static LayerOp Of(string keyword) => ByKeyword[keyword];

    /// <summary>The row-wise ops (softmax over dim 1) take flat features: over an image's channels the engines would part.</summary>
    /// <summary>The slope of an op that moves its output at most as much as its input.</summary>
    static double One(OpSettings _) => 1;

    static int[] Flat(string keyword, int[] input) => input.Length == 1
        ? input
        : throw new ShapeException($"{keyword} runs over the features of flat rows, but its input is {Text(input)}; add '- flatten' before it");

    static LayerMistake[] Slope(double slope) =>
    [
        new($"the slope is forgotten: where x ≤ 0 the gradient is 0, as for ReLU, instead of slope·g = {slope}·g", (x, y) => x > 0 ? 1 : 0),
        new($"the slope is forgotten: where x ≤ 0 the gradient passes unscaled instead of as slope·g = {slope}·g", (x, y) => 1),
        new("the branches are swapped: slope·g where x > 0, g where x ≤ 0", (x, y) => x > 0 ? slope : 1),
    ];

    static LayerMistake[] Elu(double alpha) =>
    [
        new($"it matches g·y where x ≤ 0: ELU's derivative there is y + alpha = alpha·exp(x), alpha = {alpha}", (x, y) => x > 0 ? 1 : y),
        new($"it matches g·(alpha·exp(x) − 1) where x ≤ 0: ELU's derivative there is alpha·exp(x), alpha = {alpha}", (x, y) => x > 0 ? 1 : alpha * Math.Exp(x) - 1),
    ];

    static LayerMistake[] Softplus(double beta, double threshold) =>
    [
        new($"it matches g·σ(β·x) everywhere: softplus's threshold {threshold} is ignored, above it PyTorch's softplus is x and passes g unchanged", (x, y) => 1 / (1 + Math.Exp(-beta * x))),
        new($"it matches g·σ(x): β = {beta} is left out of softplus's derivative σ(β·x)", (x, y) => beta * x > threshold ? 1 : 1 / (1 + Math.Exp(-x))),
    ];

    static double GeluTanhDerivative(double x, double y)
    {
        var k = Math.Sqrt(2 / Math.PI);
        var t = Math.Tanh(k * (x + 0.044715 * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x);
    }
}
