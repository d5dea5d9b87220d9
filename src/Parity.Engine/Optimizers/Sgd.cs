using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Engine.Optimizers;

/// <summary>
/// torch.optim.SGD, step for step:
/// g ← grad + wd·p;  b ← g on the first step, else μ·b + (1 − dampening)·g;
/// g ← g + μ·b (Nesterov) or b;  p ← p − lr·g.
/// Each line is one vectorised pass over a block of a parameter; the products are rounded as written.
/// </summary>
[OptimizerKind("sgd")]
public sealed class Sgd<T> : BlockedOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly SgdOptions _options;
    readonly Matrix<T>[] _momentumBuffers;
    // g where it is not the gradient itself (weight decay, Nesterov): the gradient is left as backward made it, as in PyTorch.
    readonly Matrix<T>[] _directions;
    bool _hasMomentumBuffers;
    // The step's numbers (BeginStep).
    T _momentum, _keep, _lr;

    public Sgd(IReadOnlyList<Parameter<T>> parameters, Described options) : this(parameters, SgdOptions.From(options))
    {
    }

    public Sgd(IReadOnlyList<Parameter<T>> parameters, SgdOptions options) : base(parameters, options.Lr)
    {
        _options = options;
        _momentumBuffers = [.. parameters.Select(p => new Matrix<T>(options.Momentum != 0 ? p.Value.Rows : 0, p.Value.Cols))];
        _directions = [.. parameters.Select(p => new Matrix<T>(options.WeightDecay != 0 || options.Nesterov ? p.Value.Rows : 0, p.Value.Cols))];
    }

    public override IReadOnlyList<HostTensor> State() => _options.Momentum == 0 || !_hasMomentumBuffers
        ? []
        : [.. Parameters.Select((p, k) => StateTensors.Of(p, OptimizerStateKeys.MomentumBuffer, _momentumBuffers[k]))];

    public override void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        var buffers = _options.Momentum == 0 ? [] : Parameters.Select(p => reader.Buffer(p, OptimizerStateKeys.MomentumBuffer)).ToList();
        reader.Finish();
        // PyTorch makes every buffer on the same step: the state has all of them or none.
        if (buffers.Any(b => b is null) && buffers.Any(b => b is not null))
            throw new ArgumentException($"the optimizer state has a momentum_buffer for some parameters only; {Parameters[buffers.FindIndex(b => b is null)].Name}.momentum_buffer is missing");
        for (var k = 0; k < buffers.Count; k++)
            StateReader.Load(buffers[k], _momentumBuffers[k]);
        _hasMomentumBuffers = buffers.Count > 0 && buffers[0] is not null;
    }

    public override void BeginStep() =>
        (_momentum, _keep, _lr) = (T.CreateChecked(_options.Momentum), T.CreateChecked(1 - _options.Dampening), T.CreateChecked(Lr));

    protected override void Update(int k, int start, int length, Span<T> p, ReadOnlySpan<T> g)
    {
        var direction = CacheBlocks.Of(_directions[k].Data, start, length);
        g = L2Decay.Apply<T>(p, g, _options.WeightDecay, direction);
        if (_options.Momentum != 0)
        {
            var buffer = CacheBlocks.Of(_momentumBuffers[k].Data, start, length);
            if (!_hasMomentumBuffers)
                g.CopyTo(buffer);
            else
            {
                // μ·b + (1 − dampening)·g, each product rounded before the sum
                TensorPrimitives.Multiply(buffer, _momentum, buffer);
                TensorPrimitives.MultiplyAdd(g, _keep, buffer, buffer);
            }
            if (_options.Nesterov)
            {
                TensorPrimitives.MultiplyAdd(buffer, _momentum, g, direction);
                g = direction;
            }
            else
                g = buffer;
        }
        // p + (−lr)·g rounds exactly as p − lr·g
        TensorPrimitives.MultiplyAdd(g, -_lr, p, p);
    }

    public override void EndStep() => _hasMomentumBuffers = true;
}
