namespace Parity.Contract;

/// <summary>
/// Optional for a backend: takes another backend's parameter gradients as its own, so that its optimizer
/// can be checked on exactly the gradients the other stepped with. <c>parity check</c> hands the reference
/// the engine's gradients before each step of the update check: a scale-free optimizer (Adam, RMSprop,
/// Adagrad) turns the rounding of a gradient whose true value is zero into a step of full size and either
/// sign, so two correct optimizers on gradients that agree only to rounding can part; on the same gradients
/// they cannot, and what parts is the optimizer's alone.
/// </summary>
public interface IGradientInjection
{
    /// <summary>
    /// Replaces every parameter's current gradient with the one named the same in <paramref name="gradients"/>
    /// (what another backend's <see cref="IBackend.ComputeGradients"/> returned), so that the next
    /// <see cref="IBackend.Step"/> clips and steps on them. Buffers and the optimizer state are left as they are.
    /// A parameter left out, or a gradient of the wrong shape, is an <see cref="ArgumentException"/> naming it.
    /// </summary>
    void SetGradients(IReadOnlyList<HostTensor> gradients);
}
