using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>
/// Everything Parity knows about a parameter-free layer op, in one place: the spec keyword (also the
/// model description's kind), its options, options fixed for the built-in engines (softmax's dim 1),
/// its nominal FLOPs per element forward and backward (for bench), whether its derivative has kinks
/// (finite differences straddling one are reported, not judged), whether its output is a probability
/// (what bce requires) or a log-probability (what nll requires), and the usual mistakes in its backward (for diagnosis).
/// </summary>
public sealed record LayerOp(string Keyword, int ForwardFlops, int BackwardFlops)
{
    public IReadOnlyList<OpOption> Options { get; init; } = [];

    public Func<JsonObject> Fixed { get; init; } = () => [];

    public bool HasKinks { get; init; }

    public bool IsProbability { get; init; }

    /// <summary>Its output is a row of log-probabilities (what nll requires).</summary>
    public bool IsLogProbability { get; init; }

    public Func<OpSettings, IReadOnlyList<LayerMistake>> Mistakes { get; init; } = _ => [];

    /// <summary>
    /// For an op that drops elements (dropout): the probability of dropping one, from its settings.
    /// Parity then draws a 0/1 mask of the op's input shape for every training batch (<see cref="Batches"/>).
    /// </summary>
    public Func<OpSettings, double>? DropProbability { get; init; }

    /// <summary>
    /// Usual mistakes in its forward, for diagnosis: each a rule giving the engine's output from
    /// TorchSharp's input x and output y, and the sentence that names it.
    /// </summary>
    public Func<OpSettings, IReadOnlyList<LayerMistake>> ForwardMistakes { get; init; } = _ => [];

    /// <summary>
    /// It computes differently in training and in evaluation (dropout, batch norm): finite differences
    /// then probe the training loss on the batch, as the gradient is taken, not the evaluation loss.
    /// </summary>
    public bool TrainingDiffers => DropProbability is not null;

    /// <summary>The options as the model description carries them: the layer's values, then the fixed ones.</summary>
    public JsonObject Describe(OpSettings settings)
    {
        var options = settings.ToJson();
        foreach (var (name, value) in Fixed())
            options[name] = value?.DeepClone();
        return options;
    }
}
