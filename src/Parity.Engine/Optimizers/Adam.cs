using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Engine.Optimizers;

/// <summary>
/// torch.optim.Adam and AdamW, step for step, in the order TorchSharp computes them:
/// AdamW p ← p·(1 − lr·wd), Adam g ← grad + wd·p;  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g·g;
/// with amsgrad v̂ ← max(v̂, v) in v's place;  d ← √v / √(1 − β₂ᵗ) + eps;  p ← p − (lr / (1 − β₁ᵗ))·(m / d).
/// </summary>
[OptimizerKind("adam")]
[OptimizerKind("adamw")]
public sealed class Adam<T> : IOptimizer where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly IReadOnlyList<Parameter<T>> _parameters;
    readonly AdamOptions _options;
    readonly Matrix<T>[] _firstMoments, _secondMoments, _maxSecondMoments, _directions, _scratch;
    int _steps;

    public Adam(IReadOnlyList<Parameter<T>> parameters, Described options) : this(parameters, AdamOptions.From(options))
    {
    }

    public Adam(IReadOnlyList<Parameter<T>> parameters, AdamOptions options)
    {
        _parameters = parameters;
        _options = options;
        Lr = options.Lr;
        _firstMoments = StateBuffers.For(parameters, true);
        _secondMoments = StateBuffers.For(parameters, true);
        _maxSecondMoments = StateBuffers.For(parameters, options.Amsgrad);
        _directions = StateBuffers.For(parameters, !options.Decoupled && options.WeightDecay != 0);
        _scratch = StateBuffers.For(parameters, true);
    }

    public double Lr { get; set; }

    public IReadOnlyList<HostTensor> State() => [.. _parameters.SelectMany((p, k) => new[]
    {
        StateTensors.Step(p, _steps), StateTensors.Of(p, OptimizerStateKeys.ExpAvg, _firstMoments[k]), StateTensors.Of(p, OptimizerStateKeys.ExpAvgSq, _secondMoments[k]),
    }.Concat(_options.Amsgrad ? [StateTensors.Of(p, OptimizerStateKeys.MaxExpAvgSq, _maxSecondMoments[k])] : []))];

    public void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        var steps = reader.Steps(_parameters);
        var buffers = _parameters.Select(p => (m: reader.Buffer(p, OptimizerStateKeys.ExpAvg), v: reader.Buffer(p, OptimizerStateKeys.ExpAvgSq), max: _options.Amsgrad ? reader.Buffer(p, OptimizerStateKeys.MaxExpAvgSq) : null)).ToList();
        reader.Finish();
        for (var k = 0; k < _parameters.Count; k++)
        {
            StateReader.Load(buffers[k].m, _firstMoments[k]);
            StateReader.Load(buffers[k].v, _secondMoments[k]);
            StateReader.Load(buffers[k].max, _maxSecondMoments[k]);
        }
        _steps = steps;
    }

    public void Step()
    {
        _steps++;
        var (beta1, beta2) = (T.CreateChecked(_options.Beta1), T.CreateChecked(_options.Beta2));
        var (keep1, keep2, eps) = (T.CreateChecked(1 - _options.Beta1), T.CreateChecked(1 - _options.Beta2), T.CreateChecked(_options.Eps));
        var stepSize = T.CreateChecked(Lr / (1 - Math.Pow(_options.Beta1, _steps)));
        var correction2 = T.CreateChecked(Math.Sqrt(1 - Math.Pow(_options.Beta2, _steps)));
        var (decay, block) = (T.CreateChecked(1 - Lr * _options.WeightDecay), CacheBlocks.Size<T>());
        for (var k = 0; k < _parameters.Count; k++)
            for (var start = 0; start < _parameters[k].Value.Data.Length; start += block)
            {
                var length = Math.Min(block, _parameters[k].Value.Data.Length - start);
                var p = CacheBlocks.Of(_parameters[k].Value.Data, start, length);
                var m = CacheBlocks.Of(_firstMoments[k].Data, start, length);
                var v = CacheBlocks.Of(_secondMoments[k].Data, start, length);
                var scratch = CacheBlocks.Of(_scratch[k].Data, start, length);
                if (_options.Decoupled && _options.WeightDecay != 0)
                    TensorPrimitives.Multiply(p, decay, p);
                var grad = CacheBlocks.Of(_parameters[k].Grad.Data, start, length);
                var g = _options.Decoupled ? grad : L2Decay.Apply<T>(p, grad, _options.WeightDecay, CacheBlocks.Of(_directions[k].Data, start, length));
                Moments.Update(m, v, g, scratch, (beta1, keep1), (beta2, keep2));
                ReadOnlySpan<T> second = v;
                if (_options.Amsgrad)
                {
                    var max = CacheBlocks.Of(_maxSecondMoments[k].Data, start, length);
                    TensorPrimitives.Max(max, v, max);
                    second = max;
                }
                TensorPrimitives.Sqrt(second, scratch);
                TensorPrimitives.Divide(scratch, correction2, scratch);
                TensorPrimitives.Add(scratch, eps, scratch);
                // addcdiv_: p + (−step)·(m / d)
                TensorPrimitives.Divide(m, scratch, scratch);
                TensorPrimitives.MultiplyAdd(scratch, -stepSize, p, p);
            }
    }
}
