using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// The rest of one Adam step for one parameter element, once the moments m and v are updated (as PyTorch does):
/// the element's new value from its value, m, v, amsgrad's v̂ (to update, zero at first), the learning rate and
/// the step count t. AdamW's decoupled decay is the rule's to apply.
/// </summary>
delegate double AdamElementStep(double p, double m, double v, ref double maxV, double lr, int t);

/// <summary>
/// An Adam loop over every parameter element: m ← β₁·m + (1 − β₁)·g and v ← β₂·v + (1 − β₂)·g² on the raw gradient
/// (plus L2 decay for Adam, not AdamW, as PyTorch), then a planted step rule — each planted step mistake is one rule.
/// The state is exposed under PyTorch's names (step, exp_avg, exp_avg_sq, and max_exp_avg_sq with amsgrad).
/// </summary>
sealed class ElementwiseAdam(IReadOnlyList<Parameter<double>> parameters, AdamOptions options, AdamElementStep step) : IOptimizer
{
    readonly double[][] _m = [.. parameters.Select(p => new double[p.Value.Data.Length])];
    readonly double[][] _v = [.. parameters.Select(p => new double[p.Value.Data.Length])];
    readonly double[][] _maxV = [.. parameters.Select(p => new double[p.Value.Data.Length])];
    int _steps;

    public double Lr { get; set; } = options.Lr;

    public IReadOnlyList<HostTensor> State() =>
    [
        .. parameters.Select(p => new HostTensor($"{p.Name}.step", [], [_steps])),
        .. ElementState.Of(parameters, "exp_avg", _m), .. ElementState.Of(parameters, "exp_avg_sq", _v),
        .. options.Amsgrad ? ElementState.Of(parameters, "max_exp_avg_sq", _maxV) : [],
    ];

    public void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        _steps = reader.Steps(parameters);
        ElementState.Load(reader, parameters, "exp_avg", _m);
        ElementState.Load(reader, parameters, "exp_avg_sq", _v);
        if (options.Amsgrad)
            ElementState.Load(reader, parameters, "max_exp_avg_sq", _maxV);
        reader.Finish();
    }

    public void Step()
    {
        _steps++;
        for (var k = 0; k < parameters.Count; k++)
            for (var i = 0; i < _m[k].Length; i++)
            {
                ref var p = ref parameters[k].Value.Data[i];
                var g = parameters[k].Grad.Data[i] + (options.Decoupled ? 0 : options.WeightDecay * p);
                _m[k][i] = options.Beta1 * _m[k][i] + (1 - options.Beta1) * g;
                _v[k][i] = options.Beta2 * _v[k][i] + (1 - options.Beta2) * g * g;
                p = step(p, _m[k][i], _v[k][i], ref _maxV[k][i], Lr, _steps);
            }
    }
}
