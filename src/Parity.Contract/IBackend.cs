namespace Parity.Contract;

/// <summary>
/// What the harness needs of an engine — the from-scratch engine, the TorchSharp twin, or a user's own.
/// An engine is built from a <see cref="ModelDescription"/> and its initial parameters; every exchange is
/// in host memory (<see cref="HostTensor"/>, <see cref="Batch"/>), parameters named as PyTorch's
/// state_dict (<c>0.weight</c>, <c>0.bias</c>, …).
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>A short name for tables and reports ("engine", "twin").</summary>
    string Name { get; }

    /// <summary>
    /// The current parameters and buffers (<see cref="ParameterDescription.Buffer"/>: batch norm's
    /// running_mean, running_var, num_batches_tracked), in state_dict order, all in float64:
    /// num_batches_tracked, an int64 in PyTorch, holds whole numbers.
    /// </summary>
    IReadOnlyList<HostTensor> GetParameters();

    /// <summary>Replaces every parameter's and buffer's value; names and shapes must match.</summary>
    void SetParameters(IReadOnlyList<HostTensor> parameters);

    /// <summary>
    /// The output of every layer of the model for a batch, in order, named by layer index ("0", "1", …),
    /// each shaped [rows, …the layer's OutputShape] as PyTorch holds it; no gradient. It is the training
    /// step's forward — dropout applies the batch's masks, batch norm normalises by the batch's
    /// statistics — with no side effect: no buffer moves (F.batch_norm with no running statistics).
    /// </summary>
    IReadOnlyList<HostTensor> Forward(Batch batch);

    /// <summary>
    /// Zeroes the gradients, then forward, loss and backward on the batch — no clipping, no update of a
    /// parameter. The forward is a training forward: batch norm moves its buffers, as nn.BatchNorm in train mode.
    /// </summary>
    Gradients ComputeGradients(Batch batch);

    /// <summary>Clips the current gradients as the spec says and takes one optimizer step.</summary>
    void Step();

    /// <summary>One training step: <see cref="ComputeGradients"/> then <see cref="Step"/>, without copying anything out. Returns the loss before the step.</summary>
    double TrainStep(Batch batch);

    /// <summary>Loss and model outputs [Rows, outputs] for a batch in evaluation mode (dropout off, batch norm on its running statistics), with no gradient, no update and no buffer moved.</summary>
    Evaluation Evaluate(Batch batch);

    /// <summary>Called after the last step of each epoch: advances the learning-rate schedule.</summary>
    void EndEpoch();
}
