using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Engine.Optimizers;

/// <summary>
/// torch.optim.SGD, step for step:
/// g ← grad + wd·p;  b ← g on the first step, else μ·b + (1 − dampening)·g;
/// g ← g + μ·b (Nesterov) or b;  p ← p − lr·g.
/// Each line is one vectorised pass over a parameter; the products are rounded as written.
/// </summary>
[OptimizerKind("sgd")]
public sealed class Sgd<T> : IOptimizer where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly IReadOnlyList<Parameter<T>> _parameters;
    readonly SgdOptions _options;
    readonly Matrix<T>[] _momentumBuffers;
    // g where it is not the gradient itself (weight decay, Nesterov): the gradient is left as backward made it, as in PyTorch.
    readonly Matrix<T>[] _directions;
    bool _hasMomentumBuffers;

    public Sgd(IReadOnlyList<Parameter<T>> parameters, Described options) : this(parameters, SgdOptions.From(options))
    {
    }

    public Sgd(IReadOnlyList<Parameter<T>> parameters, SgdOptions options)
    {
        _parameters = parameters;
        _options = options;
        Lr = options.Lr;
        _momentumBuffers = [.. parameters.Select(p => new Matrix<T>(options.Momentum != 0 ? p.Value.Rows : 0, p.Value.Cols))];
        _directions = [.. parameters.Select(p => new Matrix<T>(options.WeightDecay != 0 || options.Nesterov ? p.Value.Rows : 0, p.Value.Cols))];
    }

    public double Lr { get; set; }

    public IReadOnlyList<HostTensor> State() => _options.Momentum == 0 || !_hasMomentumBuffers
        ? []
        : [.. _parameters.Select((p, k) => StateTensors.Of(p, OptimizerStateKeys.MomentumBuffer, _momentumBuffers[k]))];

    public void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        var buffers = _options.Momentum == 0 ? [] : _parameters.Select(p => reader.Buffer(p, OptimizerStateKeys.MomentumBuffer)).ToList();
        reader.Finish();
        // PyTorch makes every buffer on the same step: the state has all of them or none.
        if (buffers.Any(b => b is null) && buffers.Any(b => b is not null))
            throw new ArgumentException($"the optimizer state has a momentum_buffer for some parameters only; {_parameters[buffers.FindIndex(b => b is null)].Name}.momentum_buffer is missing");
        for (var k = 0; k < buffers.Count; k++)
            StateReader.Load(buffers[k], _momentumBuffers[k]);
        _hasMomentumBuffers = buffers.Count > 0 && buffers[0] is not null;
    }

    public void Step()
    {
        var (momentum, keep, lr) = (T.CreateChecked(_options.Momentum), T.CreateChecked(1 - _options.Dampening), T.CreateChecked(Lr));
        for (var k = 0; k < _parameters.Count; k++)
        {
            var p = _parameters[k].Value.Data;
            ReadOnlySpan<T> g = _parameters[k].Grad.Data;
            var direction = _directions[k].Data;
            if (_options.WeightDecay != 0)
            {
                TensorPrimitives.MultiplyAdd(p, T.CreateChecked(_options.WeightDecay), g, direction);
                g = direction;
            }
            if (_options.Momentum != 0)
            {
                var buffer = _momentumBuffers[k].Data;
                if (!_hasMomentumBuffers)
                    g.CopyTo(buffer);
                else
                {
                    // μ·b + (1 − dampening)·g, each product rounded before the sum
                    TensorPrimitives.Multiply(buffer, momentum, buffer);
                    TensorPrimitives.MultiplyAdd(g, keep, buffer, buffer);
                }
                if (_options.Nesterov)
                {
                    TensorPrimitives.MultiplyAdd(buffer, momentum, g, direction);
                    g = direction;
                }
                else
                    g = buffer;
            }
            // p + (−lr)·g rounds exactly as p − lr·g
            TensorPrimitives.MultiplyAdd(g, -lr, p, p);
        }
        _hasMomentumBuffers = true;
    }
}
