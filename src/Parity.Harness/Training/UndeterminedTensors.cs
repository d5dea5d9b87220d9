using Parity.Spec;

namespace Parity.Harness.Training;

/// <summary>
/// The tensors training does not determine, which lockstep leaves out of its drift: the bias of a layer whose
/// output goes straight into batch norm (through identities alone), and that batch norm's running_mean. In
/// training, batch norm subtracts the batch's mean, bias and all, so the bias's true gradient is zero by
/// construction and both engines compute rounding noise for it; an adaptive optimizer (Adam, RMSprop, Adagrad)
/// or momentum in float32 turns noise of different sign into full steps apart, a difference nothing downstream
/// sees in training. The running_mean follows the bias's drift. The check still judges the bias's gradient
/// (against its layer's scale) and its update (the reference's optimizer on the engine's gradients).
/// </summary>
public static class UndeterminedTensors
{
    public static IReadOnlySet<string> Of(ParitySpec spec)
    {
        var names = new HashSet<string>();
        for (var i = 0; i < spec.Model.Count; i++)
        {
            if (!HasBias(spec.Model[i]))
                continue;
            var next = i + 1;
            while (next < spec.Model.Count && spec.Model[next] is OpLayer { Keyword: "identity" })
                next++;
            if (next < spec.Model.Count && spec.Model[next] is OpLayer { Keyword: "batch-norm1d" or "batch-norm2d" })
                names.UnionWith([$"{i}.bias", $"{next}.running_mean"]);
        }
        return names;
    }

    static bool HasBias(LayerSpec layer) => layer switch
    {
        LinearLayer linear => linear.Bias,
        OpLayer { Keyword: "conv2d" } convolution => convolution.Settings.Flag("bias"),
        _ => false,
    };
}
