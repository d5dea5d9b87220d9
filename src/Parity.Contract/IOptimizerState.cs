namespace Parity.Contract;

/// <summary>
/// Optional for a backend: its optimizer's per-parameter state, so that a check can compare it by name
/// after each step and name the first buffer that parts rather than only the parameters it moves.
/// Names are the parameter's state_dict name and PyTorch's state key: <c>0.weight.step</c>,
/// <c>0.weight.exp_avg</c>, <c>0.weight.exp_avg_sq</c>, <c>0.weight.max_exp_avg_sq</c>,
/// <c>0.weight.momentum_buffer</c>, <c>0.weight.square_avg</c>, <c>0.weight.grad_avg</c>, <c>0.weight.sum</c>;
/// <c>step</c> and NAdam's <c>mu_product</c> are scalars (shape [], <see cref="OptimizerStateKeys.IsScalar"/>), the others
/// have the parameter's shape; the keys are <see cref="OptimizerStateKeys"/>'s. One entry is the
/// optimizer's, not a parameter's: <c>lr</c> (shape []), the learning rate in effect, PyTorch's
/// <c>param_groups[0]["lr"]</c>, which a learning-rate schedule changes between epochs.
/// </summary>
public interface IOptimizerState
{
    /// <summary>The state after the steps taken so far, only the entries the optimizer's options use.</summary>
    IReadOnlyList<HostTensor> GetOptimizerState();

    /// <summary>
    /// Replaces the whole state with <paramref name="state"/>, named as <see cref="GetOptimizerState"/> names it
    /// (what another backend's <see cref="GetOptimizerState"/> returned): teacher forcing starts each step
    /// of the engine under test from the reference's state. A buffer the options use but the list leaves out
    /// is not made yet, as in PyTorch before the first step (SGD's momentum_buffer: the next step starts it
    /// from the gradient; the others start from their initial value, with step 0); <c>lr</c> left out keeps
    /// the current rate. A learning-rate schedule keeps its own epoch count (the harness ends every
    /// backend's epochs together), so the next schedule step starts from the <c>lr</c> given here.
    /// An entry the options do not use, or of the wrong shape, is an <see cref="ArgumentException"/> naming it;
    /// a backend that cannot replace its state at all (an engine in another process that declines the request)
    /// throws <see cref="NotSupportedException"/>, saying why.
    /// </summary>
    void SetOptimizerState(IReadOnlyList<HostTensor> state);
}
