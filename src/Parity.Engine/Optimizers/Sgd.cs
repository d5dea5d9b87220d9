using System.Numerics;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;
using Parity.Spec;

namespace Parity.Engine.Optimizers;

/// <summary>
/// torch.optim.SGD, step for step:
/// g ← grad + wd·p;  b ← g on the first step, else μ·b + (1 − dampening)·g;
/// g ← g + μ·b (Nesterov) or b;  p ← p − lr·g.
/// </summary>
public sealed class Sgd<T> : IOptimizer where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly IReadOnlyList<Parameter<T>> _parameters;
    readonly SgdSpec _options;
    readonly Matrix<T>[] _momentumBuffers;
    bool _hasMomentumBuffers;

    public Sgd(IReadOnlyList<Parameter<T>> parameters, SgdSpec options)
    {
        _parameters = parameters;
        _options = options;
        Lr = options.Lr;
        _momentumBuffers = parameters.Select(p => new Matrix<T>(p.Value.Rows, p.Value.Cols)).ToArray();
    }

    public double Lr { get; set; }

    public void Step()
    {
        var weightDecay = T.CreateChecked(_options.WeightDecay);
        var momentum = T.CreateChecked(_options.Momentum);
        var keep = T.CreateChecked(1 - _options.Dampening);
        var lr = T.CreateChecked(Lr);
        for (var k = 0; k < _parameters.Count; k++)
        {
            var p = _parameters[k].Value.Data;
            var grad = _parameters[k].Grad.Data;
            var buffer = _momentumBuffers[k].Data;
            for (var i = 0; i < p.Length; i++)
            {
                var g = _options.WeightDecay != 0 ? grad[i] + weightDecay * p[i] : grad[i];
                if (_options.Momentum != 0)
                {
                    buffer[i] = _hasMomentumBuffers ? momentum * buffer[i] + keep * g : g;
                    g = _options.Nesterov ? g + momentum * buffer[i] : buffer[i];
                }
                p[i] -= lr * g;
            }
        }
        _hasMomentumBuffers = true;
    }
}
