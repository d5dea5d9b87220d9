using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// What the twin's forward is for, for the ops that depend on it (dropout, attention's dropout, batch norm): set by the
/// backend before each forward, read by those ops' calls as they run — training (ComputeGradients,
/// TrainStep, Load, and Forward, which leaves the running statistics alone) with the batch's dropout
/// masks as tensors of the model's dtype, or evaluation.
/// </summary>
public sealed class TwinMode
{
    IReadOnlyDictionary<string, Tensor> _masks = new Dictionary<string, Tensor>();

    public bool Training { get; private set; }

    /// <summary>A training step, whose forward moves batch norm's running statistics (nn.BatchNorm in train mode); not Forward's inspection.</summary>
    public bool UpdatesBuffers { get; private set; }

    public void Train(IReadOnlyDictionary<string, Tensor> masks, bool updatesBuffers) => (Training, UpdatesBuffers, _masks) = (true, updatesBuffers, masks);

    public void Evaluate() => (Training, UpdatesBuffers, _masks) = (false, false, new Dictionary<string, Tensor>());

    /// <summary>The batch's mask by name ("2.mask"), 0 where dropped and 1 where kept.</summary>
    public Tensor Mask(string name) => _masks.TryGetValue(name, out var mask)
        ? mask
        : throw new ArgumentException($"the reference trains a dropout layer with the batch's mask '{name}', and the batch has none");
}
