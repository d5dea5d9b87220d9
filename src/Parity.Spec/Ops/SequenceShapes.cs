using static Parity.Spec.LayerShapes;

namespace Parity.Spec;

/// <summary>
/// The shape rules of the ops over sequences [T, C] (embedding, position-embedding, layer-norm,
/// causal-self-attention), the tensors attention owns and what it costs; refusals as messages that
/// say what to change.
/// </summary>
static class SequenceShapes
{
    /// <summary>Token ids [T] to vectors [T, dim].</summary>
    public static int[] Embed(OpSettings settings, int[] input) => input is [var positions]
        ? [positions, settings.Integer("embedding_dim")]
        : throw new ShapeException($"embedding takes token ids [T], but its input is {Text(input)}; put it first in the model, on token data (source sort or text)");

    /// <summary>A sequence [T, C] to itself, its first T rows of the position table added: the table needs at least T rows.</summary>
    public static int[] AddPositions(OpSettings settings, int[] input)
    {
        if (input is not [var positions, _])
            throw new ShapeException($"position-embedding takes a sequence [T, C], but its input is {Text(input)}; put it after an embedding");
        var block = settings.Integer("block_size");
        return block >= positions
            ? input
            : throw new ShapeException($"its block {block} is shorter than the sequence's {positions} positions; use block: {positions} or more");
    }

    /// <summary>Flat features [C] or a sequence [T, C], normalized over the last dimension.</summary>
    public static int[] LastDimension(OpSettings settings, int[] input) => input.Length is 1 or 2
        ? input
        : throw new ShapeException($"layer-norm normalizes the last dimension of flat features [C] or a sequence [T, C], but its input is {Text(input)}; add '- flatten' before it");

    /// <summary>A sequence [T, C] to itself, split into heads of C / H columns each: H must divide C.</summary>
    public static int[] Attend(OpSettings settings, int[] input)
    {
        if (input is not [_, var channels])
            throw new ShapeException($"causal-self-attention takes a sequence [T, C], but its input is {Text(input)}; put it after an embedding");
        var heads = settings.Integer("num_heads");
        if (channels % heads != 0)
        {
            var divisors = Enumerable.Range(1, channels).Where(h => channels % h == 0);
            throw new ShapeException($"its {heads} heads do not divide the {channels} channels of its input; use heads that divide {channels} ({string.Join(", ", divisors)})");
        }
        return input;
    }

    /// <summary>
    /// What one sample of attention holds besides its output, in the engine (CausalSelfAttention's buffers) as in the twin
    /// (autograd's saved tensors): q, k, v [T, 3C], the heads joined [T, C] and the weights [H, T, T]; in training with
    /// dropout also the scaled mask and the weights after it, two more [H, T, T]. At T = 256 and 8 heads the weights
    /// alone are 524,288 values a sample, four times the output of a 512-wide layer.
    /// </summary>
    public static long AttentionHolds(OpSettings settings, int[] input, bool training)
    {
        long positions = input[0], channels = input[1], weights = settings.Integer("num_heads") * positions * positions;
        var dropping = training && settings.Number("dropout") > 0;
        return 4 * positions * channels + (dropping ? 3 : 1) * weights;
    }

    /// <summary>c_attn (q, k and v in one [3C, C] weight) and c_proj, as nn.Linear's, in minGPT's state_dict order.</summary>
    public static IReadOnlyList<OwnedTensor> AttentionTensors(OpSettings settings, int[] input)
    {
        var channels = input[^1];
        return
        [
            new("c_attn.weight", [3 * channels, channels], TensorRole.Weight), new("c_attn.bias", [3 * channels], TensorRole.Bias),
            new("c_proj.weight", [channels, channels], TensorRole.Weight), new("c_proj.bias", [channels], TensorRole.Bias),
        ];
    }

    /// <summary>
    /// One sample's FLOPs: the q, k, v and output projections (2·T·C·3C and 2·T·C·C), the scores and their
    /// product with v (2·T·T·C each) and the softmax (5 per score, H·T·T of them). Backward, the weights' and
    /// biases' gradients (8·T·C² + 4·T·C) need the gradient through c_proj (2·T·C²), the scores and v (twice the
    /// forward's 4·T·T·C) and the softmax (4 per score); only the input's own product with c_attn (2·T·C·3C) is
    /// the input's.
    /// </summary>
    public static OpCost Attention(OpSettings settings, int[] input, int[] output)
    {
        long positions = input[0], channels = input[1], scores = settings.Integer("num_heads") * positions * positions;
        var projections = 8 * positions * channels * channels;
        var mixing = 4 * positions * positions * channels;
        var throughProjection = 2 * positions * channels * channels;
        var toInput = 6 * positions * channels * channels;
        return new OpCost(projections + mixing + 5 * scores, projections + 4 * positions * channels + throughProjection + 2 * mixing + 4 * scores, toInput);
    }
}
