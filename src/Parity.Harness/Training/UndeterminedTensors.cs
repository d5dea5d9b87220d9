using Parity.Spec;

namespace Parity.Harness.Training;

/// <summary>
/// The tensors (or parts of them) training does not determine, which lockstep leaves out of its drift: the bias of
/// a layer whose output goes straight into batch norm (through identities alone), and that batch norm's
/// running_mean; and the key's third of an attention's c_attn.bias. In training, batch norm subtracts the batch's
/// mean, bias and all, and softmax over j is blind to the key bias's q·b_k, the same for every j; so their true
/// gradient is zero by construction and both engines compute rounding noise for it; an adaptive optimizer (Adam,
/// RMSprop, Adagrad) or momentum turns noise of different sign into full steps apart, a difference nothing
/// downstream sees in training. The running_mean follows the bias's drift. The check still judges these gradients
/// (against their layer's scale) and their update (the reference's optimizer on the engine's gradients).
/// </summary>
public static class UndeterminedTensors
{
    /// <summary>Each undetermined tensor by name, with the range of its elements that training does not determine (all of them, or attention's key bias).</summary>
    public static IReadOnlyDictionary<string, Range> Of(ParitySpec spec)
    {
        var parts = new Dictionary<string, Range>();
        var shapes = LayerShapes.Of(spec);
        for (var i = 0; i < spec.Model.Count; i++)
        {
            if (spec.Model[i] is OpLayer { Keyword: "causal-self-attention" } attention)
            {
                var width = shapes[i].In[^1];
                parts[$"{attention.Prefix}c_attn.bias"] = width..(2 * width);
            }
            if (!HasBias(spec.Model[i]))
                continue;
            var next = i + 1;
            while (next < spec.Model.Count && spec.Model[next] is OpLayer { Keyword: "identity" })
                next++;
            if (next < spec.Model.Count && spec.Model[next] is OpLayer { Keyword: "batch-norm1d" or "batch-norm2d" })
                (parts[$"{spec.Model[i].Prefix}bias"], parts[$"{spec.Model[next].Prefix}running_mean"]) = (.., ..);
        }
        return parts;
    }

    static bool HasBias(LayerSpec layer) => layer switch
    {
        LinearLayer linear => linear.Bias,
        OpLayer { Keyword: "conv2d" } convolution => convolution.Settings.Flag("bias"),
        _ => false,
    };
}
