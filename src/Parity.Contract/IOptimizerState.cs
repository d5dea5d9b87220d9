namespace Parity.Contract;

/// <summary>
/// Optional for a backend: its optimizer's per-parameter state, so that a check can compare it by name
/// after each step and name the first buffer that parts rather than only the parameters it moves.
/// Names are the parameter's state_dict name and PyTorch's state key: <c>0.weight.step</c>,
/// <c>0.weight.exp_avg</c>, <c>0.weight.exp_avg_sq</c>, <c>0.weight.max_exp_avg_sq</c>,
/// <c>0.weight.momentum_buffer</c>, <c>0.weight.square_avg</c>, <c>0.weight.grad_avg</c>, <c>0.weight.sum</c>;
/// <c>step</c> is a scalar (shape []), the others have the parameter's shape.
/// </summary>
public interface IOptimizerState
{
    /// <summary>The state after the steps taken so far, only the entries the optimizer's options use.</summary>
    IReadOnlyList<HostTensor> GetOptimizerState();
}
