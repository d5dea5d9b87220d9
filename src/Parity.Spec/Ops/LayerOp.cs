using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>
/// Everything Parity knows about a layer op, in one place: the spec keyword (also the model
/// description's kind), its options, options fixed for the built-in engines (softmax's dim 1), how it
/// maps one sample's input shape to its output shape, the tensors it owns (named as its
/// state_dict entries, with shapes), the options the model description derives from the input shape
/// (conv2d's in_channels), its nominal FLOPs per element forward and backward (for bench; an op whose
/// work is not per element gives its <see cref="Cost"/>), whether its derivative has kinks
/// (finite differences straddling one are reported, not judged), whether its output is a probability
/// (what bce requires) or a log-probability (what nll requires), the usual mistakes in its backward
/// (for diagnosis: a rule per element, or a test of the evidence), in its forward and in the buffers
/// it moves, whether it drops elements (dropout, attention's dropout) and the shape of its mask, whether
/// it takes token ids (embedding), and examples for the op helper test.
/// </summary>
public sealed record LayerOp(string Keyword, int ForwardFlops, int BackwardFlops)
{
    public IReadOnlyList<OpOption> Options { get; init; } = [];

    /// <summary>The spec key a bare value stands for, as in <c>unflatten: [1, 28, 28]</c>; null when the op takes only a mapping.</summary>
    public string? Shorthand { get; init; }

    public Func<JsonObject> Fixed { get; init; } = () => [];

    /// <summary>One sample's output shape from its input shape; throws <see cref="ShapeException"/> when the op does not fit it. Elementwise by default.</summary>
    public Func<OpSettings, int[], int[]> Shape { get; init; } = (_, input) => input;

    /// <summary>Options the model description derives from the input shape, such as conv2d's in_channels.</summary>
    public Func<int[], JsonObject> Derived { get; init; } = _ => [];

    /// <summary>The parameters and buffers the layer owns, in state_dict order, for its settings and input shape.</summary>
    public Func<OpSettings, int[], IReadOnlyList<OwnedTensor>> Owns { get; init; } = (_, _) => [];

    /// <summary>The op's FLOPs for one sample from its input and output shapes; by default the per-element counts over the output.</summary>
    public Func<OpSettings, int[], int[], OpCost>? Cost { get; init; }

    /// <summary>
    /// The values one sample of the layer holds besides its output, from its settings, one sample's input shape and
    /// whether it trains (true) or evaluates: what its forward makes on the way and its backward needs, in both engines
    /// (attention's q, k, v and its weights [H, T, T]); 0 by default. The memory estimate and the evaluation chunk count them.
    /// </summary>
    public Func<OpSettings, int[], bool, long> Holds { get; init; } = (_, _, _) => 0;

    public bool HasKinks { get; init; }

    /// <summary>
    /// For an op whose output's rounding is relative to more than the output (batch norm divides x − μ, which cancels,
    /// by √(σ² + eps)): the scale of its training output's terms, from its settings, one sample's input shape, the
    /// batch's input values and its rows; null where the output itself is that scale.
    /// </summary>
    public Func<OpSettings, int[], double[], int, double>? OutputScale { get; init; }

    /// <summary>
    /// For an op whose input gradient is summed from terms larger than itself (batch norm's g·w/√(σ² + eps), less the two
    /// projections, which cancel on a batch of 2 rows to eps/(σ² + eps) of that): the size of those terms per unit of
    /// the upstream gradient, from its settings, one sample's input shape, the batch's input values and its rows.
    /// </summary>
    public Func<OpSettings, int[], double[], int, double>? InputGradientSlope { get; init; }

    /// <summary>
    /// For an op that moves each output by at most this much per unit of its input (tanh 1, sigmoid ¼, dropout 1/(1 − p)):
    /// an error its input carries reaches its output no larger, so its output is judged against at least its input's
    /// scale of terms times this — tanh of a batch-norm channel that cancels to rounding noise is noise of the batch
    /// norm's scale, not of its own size. Null for an op that sums weighted terms of its own (conv2d), whose own
    /// output is its scale.
    /// </summary>
    public Func<OpSettings, double>? Slope { get; init; }

    /// <summary>
    /// For an op with kinks: which side of them each input value of a batch is on (the values of
    /// [rows, …input shape], row-major), written into the last argument, as long as the values (the
    /// finite-difference check reuses it at each of its hundreds of probe points); a change between the
    /// probes θ ± eps·u is a kink crossed. By default the sign, for kinks at 0 as ReLU's; max-pool2d's
    /// is which position each window takes, <see cref="SidesCount"/> flags per sample.
    /// </summary>
    public Action<OpSettings, int[], double[], bool[]> Sides { get; init; } = (_, _, values, sides) =>
    {
        for (var i = 0; i < values.Length; i++)
            sides[i] = values[i] > 0;
    };

    /// <summary>How many flags <see cref="Sides"/> writes per sample, from its settings and input shape: by default one per input value.</summary>
    public Func<OpSettings, int[], int> SidesCount { get; init; } = (_, input) => LayerShapes.Count(input);

    public bool IsProbability { get; init; }

    /// <summary>Its output is a row of log-probabilities (what nll requires).</summary>
    public bool IsLogProbability { get; init; }

    public Func<OpSettings, IReadOnlyList<LayerMistake>> Mistakes { get; init; } = _ => [];

    /// <summary>
    /// For an op that drops elements (dropout, attention's dropout): the probability of dropping one, from its settings.
    /// Parity then draws a 0/1 mask of <see cref="MaskShape"/> for every training batch (<see cref="Batches"/>) when it is above 0.
    /// </summary>
    public Func<OpSettings, double>? DropProbability { get; init; }

    /// <summary>
    /// It drops elements with these settings: p > 0. With p = 0 the layer's training is its evaluation, and its
    /// batches carry no mask for it (attention's would be [rows, H, T, T] of ones, in every batch and over the protocol).
    /// </summary>
    public bool Drops(OpSettings settings) => DropProbability?.Invoke(settings) > 0;

    /// <summary>
    /// The shape of one sample's mask, from its settings and one sample's input shape: dropout's is its input's,
    /// causal self-attention's its attention weights' [H, T, T].
    /// </summary>
    public Func<OpSettings, int[], int[]> MaskShape { get; init; } = (_, input) => input;

    /// <summary>
    /// For an op that takes token ids (embedding): how many distinct ids its input may hold, from its settings.
    /// Its input is then [T] whole numbers below that, not features; the op helper test draws such ids.
    /// </summary>
    public Func<OpSettings, int>? Vocabulary { get; init; }

    /// <summary>Usual mistakes in its forward, for diagnosis, from its settings and one sample's input shape.</summary>
    public Func<OpSettings, int[], IReadOnlyList<ForwardMistake>> ForwardMistakes { get; init; } = (_, _) => [];

    /// <summary>Usual mistakes in how a training forward updates its buffers, for diagnosis, from its settings and one sample's input shape.</summary>
    public Func<OpSettings, int[], IReadOnlyList<BufferMistake>> BufferMistakes { get; init; } = (_, _) => [];

    /// <summary>
    /// It computes differently in training and in evaluation (dropout with p > 0, batch norm): finite differences
    /// then probe the training loss on the batch, as the gradient is taken, not the evaluation loss;
    /// and the check compares the evaluation outputs as well.
    /// </summary>
    public Func<OpSettings, bool> TrainingDiffers { get; init; } = _ => false;

    /// <summary>For an op that always computes differently in training (batch norm).</summary>
    public static bool Always(OpSettings _) => true;

    /// <summary>For ops whose mistakes are not a rule per element: names the mistake the evidence shows, or null.</summary>
    public Func<LayerEvidence, string?> Explain { get; init; } = _ => null;

    /// <summary>For ops whose forward mistakes need the layer's parameters (attention): names the mistake the engine's output [rows, …] shows, or null.</summary>
    public Func<LayerEvidence, double[], string?> ExplainOutput { get; init; } = (_, _) => null;

    /// <summary>Settings and input shapes the op helper test runs the op with; by default its defaults on 4 features.</summary>
    public IReadOnlyList<OpExample> Examples { get; init; } = [new([], [4])];

    /// <summary>The settings from the options given (by PyTorch name), each left out taking its default, or the value of the option it defaults to.</summary>
    public OpSettings Settle(JsonObject given) => OpSettings.Settle(Keyword, Options, given);

    /// <summary>The options as the model description carries them: the layer's values, those derived from its input shape, then the fixed ones.</summary>
    public JsonObject Describe(OpSettings settings, int[] inputShape)
    {
        var options = settings.ToJson();
        foreach (var (name, value) in Derived(inputShape).Concat(Fixed()))
            options[name] = value?.DeepClone();
        return options;
    }

    /// <summary>The op's FLOPs for one sample: its own rule, or the per-element counts over its output.</summary>
    public OpCost CostOf(OpSettings settings, int[] inputShape, int[] outputShape)
    {
        if (Cost is { } cost)
            return cost(settings, inputShape, outputShape);
        var elements = outputShape.Aggregate(1L, (n, d) => n * d);
        return new OpCost(ForwardFlops * elements, 0, BackwardFlops * elements);
    }
}
