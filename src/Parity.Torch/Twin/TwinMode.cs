using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// What the twin's forward is for, for the ops that depend on it (dropout): set by the backend before
/// each forward, read by those ops' calls as they run — training (ComputeGradients, TrainStep, Load and
/// Forward) with the batch's dropout masks as tensors of the model's dtype, or evaluation.
/// </summary>
public sealed class TwinMode
{
    IReadOnlyDictionary<string, Tensor> _masks = new Dictionary<string, Tensor>();

    public bool Training { get; private set; }

    public void Train(IReadOnlyDictionary<string, Tensor> masks) => (Training, _masks) = (true, masks);

    public void Evaluate() => (Training, _masks) = (false, new Dictionary<string, Tensor>());

    /// <summary>The batch's mask by name ("2.mask"), 0 where dropped and 1 where kept.</summary>
    public Tensor Mask(string name) => _masks.TryGetValue(name, out var mask)
        ? mask
        : throw new ArgumentException($"the twin trains a dropout layer with the batch's mask '{name}', and the batch has none");
}
