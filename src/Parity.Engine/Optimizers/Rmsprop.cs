using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Engine.Optimizers;

/// <summary>
/// torch.optim.RMSprop, step for step, in the order TorchSharp computes it:
/// g ← grad + wd·p;  s ← α·s + (1 − α)·g·g;  centered: ḡ ← α·ḡ + (1 − α)·g, d ← √(s − ḡ·ḡ) + eps, else d ← √s + eps;
/// with momentum b ← μ·b + g / d, p ← p − lr·b, else p ← p − lr·(g / d).
/// </summary>
[OptimizerKind("rmsprop")]
public sealed class Rmsprop<T> : BlockedOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly RmspropOptions _options;
    readonly Matrix<T>[] _squareAverages, _gradientAverages, _momentumBuffers, _directions, _scratch;
    int _steps;
    // The step's numbers (BeginStep).
    T _alpha, _keep, _eps, _lr, _momentum;

    public Rmsprop(IReadOnlyList<Parameter<T>> parameters, Described options) : this(parameters, RmspropOptions.From(options))
    {
    }

    public Rmsprop(IReadOnlyList<Parameter<T>> parameters, RmspropOptions options) : base(parameters, options.Lr)
    {
        _options = options;
        _squareAverages = StateBuffers.For(parameters, true);
        _gradientAverages = StateBuffers.For(parameters, options.Centered);
        _momentumBuffers = StateBuffers.For(parameters, options.Momentum > 0);
        _directions = StateBuffers.For(parameters, options.WeightDecay != 0);
        _scratch = StateBuffers.For(parameters, true);
    }

    public override IReadOnlyList<HostTensor> State() => [.. Parameters.SelectMany((p, k) => new[] { StateTensors.Step(p, _steps), StateTensors.Of(p, OptimizerStateKeys.SquareAvg, _squareAverages[k]) }
        .Concat(_options.Momentum > 0 ? [StateTensors.Of(p, OptimizerStateKeys.MomentumBuffer, _momentumBuffers[k])] : [])
        .Concat(_options.Centered ? [StateTensors.Of(p, OptimizerStateKeys.GradAvg, _gradientAverages[k])] : []))];

    public override void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        var steps = reader.Steps(Parameters);
        var buffers = Parameters.Select(p => (square: reader.Buffer(p, OptimizerStateKeys.SquareAvg), momentum: _options.Momentum > 0 ? reader.Buffer(p, OptimizerStateKeys.MomentumBuffer) : null,
            mean: _options.Centered ? reader.Buffer(p, OptimizerStateKeys.GradAvg) : null)).ToList();
        reader.Finish();
        for (var k = 0; k < Parameters.Count; k++)
        {
            StateReader.Load(buffers[k].square, _squareAverages[k]);
            StateReader.Load(buffers[k].momentum, _momentumBuffers[k]);
            StateReader.Load(buffers[k].mean, _gradientAverages[k]);
        }
        _steps = steps;
    }

    public override void BeginStep()
    {
        _steps++;
        (_alpha, _keep, _eps, _lr) = (T.CreateChecked(_options.Alpha), T.CreateChecked(1 - _options.Alpha), T.CreateChecked(_options.Eps), T.CreateChecked(Lr));
        _momentum = T.CreateChecked(_options.Momentum);
    }

    protected override void Update(int k, int start, int length, Span<T> p, ReadOnlySpan<T> grad)
    {
        var s = CacheBlocks.Of(_squareAverages[k].Data, start, length);
        var d = CacheBlocks.Of(_scratch[k].Data, start, length);
        var g = L2Decay.Apply<T>(p, grad, _options.WeightDecay, CacheBlocks.Of(_directions[k].Data, start, length));
        // addcmul_: s + ((1 − α)·g)·g
        TensorPrimitives.Multiply(s, _alpha, s);
        TensorPrimitives.Multiply(g, _keep, d);
        TensorPrimitives.MultiplyAdd(d, g, s, s);
        if (_options.Centered)
        {
            var mean = CacheBlocks.Of(_gradientAverages[k].Data, start, length);
            TensorPrimitives.Multiply(mean, _alpha, mean);
            TensorPrimitives.MultiplyAdd(g, _keep, mean, mean);
            TensorPrimitives.Multiply(mean, mean, d);
            TensorPrimitives.Subtract(s, d, d);
            TensorPrimitives.Sqrt(d, d);
        }
        else
            TensorPrimitives.Sqrt(s, d);
        TensorPrimitives.Add(d, _eps, d);
        TensorPrimitives.Divide(g, d, d);
        if (_options.Momentum > 0)
        {
            var buffer = CacheBlocks.Of(_momentumBuffers[k].Data, start, length);
            TensorPrimitives.MultiplyAdd(buffer, _momentum, d, buffer);
            d = buffer;
        }
        TensorPrimitives.MultiplyAdd(d, -_lr, p, p);
    }
}
