namespace Parity.Contract;

/// <summary>
/// Optional, for benchmarks: a training step split into its three phases on a batch the engine holds
/// in its own memory and dtype, so that each phase can be timed on its own and nothing crosses the
/// contract while the clock runs. <see cref="Forward"/>, <see cref="Backward"/> and
/// <see cref="IBackend.Step"/> in a row are exactly what <see cref="IBackend.TrainStep"/> does,
/// less the copy of the batch in.
/// </summary>
public interface IPhasedBackend : IBackend
{
    /// <summary>Copies the batch into the engine, once; the phases below run on it until another call hands the engine a batch.</summary>
    void Load(Batch batch);

    /// <summary>Zeroes the gradients, then the model and the loss on the loaded batch, keeping what backward needs.</summary>
    void Forward();

    /// <summary>Backward from the last forward's loss into every parameter's gradient; the input's gradient is not computed.</summary>
    void Backward();
}
