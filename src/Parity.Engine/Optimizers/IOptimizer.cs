namespace Parity.Engine.Optimizers;

/// <summary>An update rule over the parameters it was made with, using their current gradients.</summary>
public interface IOptimizer
{
    /// <summary>The current learning rate; schedules change it between epochs.</summary>
    double Lr { get; set; }

    void Step();

    /// <summary>The per-parameter state in PyTorch's names (<see cref="IOptimizerState"/>); none for an optimizer that keeps none or does not say.</summary>
    IReadOnlyList<HostTensor> State() => [];

    /// <summary>
    /// Replaces the per-parameter state with <paramref name="state"/>, named as <see cref="State"/> names it
    /// (<see cref="IOptimizerState.SetOptimizerState"/>: a buffer left out is not made yet). An optimizer that
    /// keeps state it does not expose cannot be set: it refuses, and the harness says teacher forcing needs it.
    /// </summary>
    void SetState(IReadOnlyList<HostTensor> state);
}
