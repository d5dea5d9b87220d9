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
public sealed class Adam<T> : BlockedOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly AdamOptions _options;
    readonly Matrix<T>[] _firstMoments, _secondMoments, _maxSecondMoments, _directions, _scratch;
    int _steps;
    // The step's numbers (BeginStep).
    T _beta1, _beta2, _keep1, _keep2, _eps, _stepSize, _correction2, _decay;

    public Adam(IReadOnlyList<Parameter<T>> parameters, Described options) : this(parameters, AdamOptions.From(options))
    {
    }

    public Adam(IReadOnlyList<Parameter<T>> parameters, AdamOptions options) : base(parameters, options.Lr)
    {
        _options = options;
        _firstMoments = StateBuffers.For(parameters, true);
        _secondMoments = StateBuffers.For(parameters, true);
        _maxSecondMoments = StateBuffers.For(parameters, options.Amsgrad);
        _directions = StateBuffers.For(parameters, !options.Decoupled && options.WeightDecay != 0);
        _scratch = StateBuffers.For(parameters, true);
    }

    public override IReadOnlyList<HostTensor> State() => [.. Parameters.SelectMany((p, k) => new[]
    {
        StateTensors.Step(p, _steps), StateTensors.Of(p, OptimizerStateKeys.ExpAvg, _firstMoments[k]), StateTensors.Of(p, OptimizerStateKeys.ExpAvgSq, _secondMoments[k]),
    }.Concat(_options.Amsgrad ? [StateTensors.Of(p, OptimizerStateKeys.MaxExpAvgSq, _maxSecondMoments[k])] : []))];

    public override void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        var steps = reader.Steps(Parameters);
        var buffers = Parameters.Select(p => (m: reader.Buffer(p, OptimizerStateKeys.ExpAvg), v: reader.Buffer(p, OptimizerStateKeys.ExpAvgSq), max: _options.Amsgrad ? reader.Buffer(p, OptimizerStateKeys.MaxExpAvgSq) : null)).ToList();
        reader.Finish();
        for (var k = 0; k < Parameters.Count; k++)
        {
            StateReader.Load(buffers[k].m, _firstMoments[k]);
            StateReader.Load(buffers[k].v, _secondMoments[k]);
            StateReader.Load(buffers[k].max, _maxSecondMoments[k]);
        }
        _steps = steps;
    }

    public override void BeginStep()
    {
        _steps++;
        (_beta1, _beta2) = (T.CreateChecked(_options.Beta1), T.CreateChecked(_options.Beta2));
        (_keep1, _keep2, _eps) = (T.CreateChecked(1 - _options.Beta1), T.CreateChecked(1 - _options.Beta2), T.CreateChecked(_options.Eps));
        _stepSize = T.CreateChecked(Lr / (1 - Math.Pow(_options.Beta1, _steps)));
        _correction2 = T.CreateChecked(Math.Sqrt(1 - Math.Pow(_options.Beta2, _steps)));
        _decay = T.CreateChecked(1 - Lr * _options.WeightDecay);
    }

    protected override void Update(int k, int start, int length, Span<T> p, ReadOnlySpan<T> grad)
    {
        var m = CacheBlocks.Of(_firstMoments[k].Data, start, length);
        var v = CacheBlocks.Of(_secondMoments[k].Data, start, length);
        var scratch = CacheBlocks.Of(_scratch[k].Data, start, length);
        if (_options.Decoupled && _options.WeightDecay != 0)
            TensorPrimitives.Multiply(p, _decay, p);
        var g = _options.Decoupled ? grad : L2Decay.Apply<T>(p, grad, _options.WeightDecay, CacheBlocks.Of(_directions[k].Data, start, length));
        Moments.Update(m, v, g, scratch, (_beta1, _keep1), (_beta2, _keep2));
        ReadOnlySpan<T> second = v;
        if (_options.Amsgrad)
        {
            var max = CacheBlocks.Of(_maxSecondMoments[k].Data, start, length);
            TensorPrimitives.Max(max, v, max);
            second = max;
        }
        TensorPrimitives.Sqrt(second, scratch);
        TensorPrimitives.Divide(scratch, _correction2, scratch);
        TensorPrimitives.Add(scratch, _eps, scratch);
        // addcdiv_: p + (−step)·(m / d)
        TensorPrimitives.Divide(m, scratch, scratch);
        TensorPrimitives.MultiplyAdd(scratch, -_stepSize, p, p);
    }
}
