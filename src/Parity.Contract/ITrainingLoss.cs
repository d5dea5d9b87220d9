namespace Parity.Contract;

/// <summary>
/// Optional for a backend: the loss <see cref="IBackend.ComputeGradients"/> reports — training semantics, the
/// batch's masks and its own statistics — without the gradients, and with no side effect (batch norm's running
/// statistics stay as they were). The finite-difference check of a model whose training differs from its
/// evaluation (dropout, batch norm) needs only that loss at each of its hundreds or thousands of probe points;
/// a backward and a copy of every gradient at each was nearly all of a random-spec sweep's time.
/// </summary>
public interface ITrainingLoss
{
    /// <summary>The loss of <see cref="IBackend.ComputeGradients"/> on <paramref name="batch"/> (up to rounding), changing nothing.</summary>
    double TrainingLoss(Batch batch);
}
