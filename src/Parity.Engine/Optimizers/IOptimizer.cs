namespace Parity.Engine.Optimizers;

/// <summary>An update rule over the parameters it was made with, using their current gradients.</summary>
public interface IOptimizer
{
    /// <summary>The current learning rate; schedules change it between epochs.</summary>
    double Lr { get; set; }

    void Step();

    /// <summary>The per-parameter state in PyTorch's names (<see cref="IOptimizerState"/>); none for an optimizer that keeps none or does not say.</summary>
    IReadOnlyList<HostTensor> State() => [];
}
