namespace Parity.Spec;

/// <summary>
/// What the harness needs of an engine — the from-scratch engine, the libtorch twin, or a user's own.
/// An engine is built from a <see cref="ParitySpec"/> and its initial parameters; every exchange is
/// in host memory (<see cref="HostTensor"/>, <see cref="Batch"/>), parameters named as PyTorch's
/// state_dict (<c>0.weight</c>, <c>0.bias</c>, …).
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>A short name for tables and reports ("engine", "twin").</summary>
    string Name { get; }

    /// <summary>The current parameters, in state_dict order.</summary>
    IReadOnlyList<HostTensor> GetParameters();

    /// <summary>Replaces every parameter's value; names and shapes must match.</summary>
    void SetParameters(IReadOnlyList<HostTensor> parameters);

    /// <summary>One training step: zero the gradients, forward, loss, backward, clip, optimizer step. Returns the loss before the step.</summary>
    double TrainStep(Batch batch);

    /// <summary>Loss and model outputs [Rows, outputs] for a batch, with no gradient and no update.</summary>
    Evaluation Evaluate(Batch batch);

    /// <summary>Called after the last step of each epoch: advances the learning-rate schedule.</summary>
    void EndEpoch();
}

/// <summary>A batch's loss and the model's outputs, row-major [Rows, Width].</summary>
public sealed record Evaluation(double Loss, double[] Outputs, int Width);
