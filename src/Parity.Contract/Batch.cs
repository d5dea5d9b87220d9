namespace Parity.Contract;

/// <summary>
/// A mini-batch as every engine receives it: features [Rows, Features] (for a model whose input is
/// token ids, <see cref="ModelDescription.InputDType"/> "int64", X holds the ids [Rows, T] as whole
/// numbers, exact in float64, and the protocol sends them as I64), the targets in the form the
/// spec's loss takes — class indices, or float rows [Rows, TargetWidth] — and, for a model with
/// dropout, one mask per layer that drops (a dropout layer, or attention's dropout, with p > 0: with p = 0
/// none), named "{layer}.mask" (e.g. "2.mask"), shaped [Rows, …the layer's input shape]
/// (attention's [Rows, H, T, T]), 1 where an element is kept and 0 where it is dropped.
/// For a sequence model (output [T, V]) Classes holds Rows × T class indices, row-major, as PyTorch's
/// <c>cross_entropy(logits.view(-1, V), targets.view(-1))</c> takes them; a position the task does not score
/// holds <see cref="IgnoredTarget"/>. A mask's name starts with its layer's <see cref="LayerDescription.Path"/>. Parity
/// draws the masks from the spec's seed, so that every engine drops the same elements: a dropout layer
/// multiplies its input by its mask and scales the kept values by 1/(1 − p) itself, in every call that
/// trains or inspects training (<see cref="IBackend.ComputeGradients"/>, <see cref="IBackend.TrainStep"/>,
/// <see cref="IBackend.Forward"/>, <see cref="IPhasedBackend.Load"/>) and not in <see cref="IBackend.Evaluate"/>,
/// which passes its input through. Null when no layer drops.
/// </summary>
public sealed record Batch(int Rows, int Features, double[] X, int[]? Classes, double[]? Targets, int TargetWidth, IReadOnlyList<HostTensor>? Masks = null)
{
    /// <summary>The mask named <paramref name="name"/> (see <see cref="MaskName"/>), or null when the batch has none by that name.</summary>
    public HostTensor? Mask(string name)
    {
        if (Masks is null)
            return null;
        // An index loop: a foreach over the interface would allocate an enumerator in every training step.
        for (var i = 0; i < Masks.Count; i++)
            if (Masks[i].Name == name)
                return Masks[i];
        return null;
    }

    /// <summary>"{layer}.mask": how a dropout layer's mask is named in the batch and in the engine protocol.</summary>
    public static string MaskName(int layer) => $"{layer}.mask";

    /// <summary>"{path}.mask" for a layer inside a residual block ("3.2.mask").</summary>
    public static string MaskName(string path) => $"{path}.mask";

    /// <summary>The class index of a target position the loss leaves out: PyTorch's default ignore_index, -100. The mean is over the other positions.</summary>
    public const int IgnoredTarget = -100;
}
