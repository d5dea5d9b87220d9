using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Engine.Optimizers;

/// <summary>
/// torch.optim.Adagrad, step for step, in the order TorchSharp computes it:
/// g ← grad + wd·p;  clr ← lr / (1 + (t − 1)·lr_decay);  s ← s + g·g (s starts at initial_accumulator_value);
/// p ← p − clr·(g / (√s + eps)).
/// </summary>
[OptimizerKind("adagrad")]
public sealed class Adagrad<T> : IOptimizer where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly IReadOnlyList<Parameter<T>> _parameters;
    readonly AdagradOptions _options;
    readonly Matrix<T>[] _sums, _directions, _scratch;
    int _steps;

    public Adagrad(IReadOnlyList<Parameter<T>> parameters, Described options) : this(parameters, AdagradOptions.From(options))
    {
    }

    public Adagrad(IReadOnlyList<Parameter<T>> parameters, AdagradOptions options)
    {
        _parameters = parameters;
        _options = options;
        Lr = options.Lr;
        _sums = StateBuffers.For(parameters, true, options.InitialAccumulatorValue);
        _directions = StateBuffers.For(parameters, options.WeightDecay != 0);
        _scratch = StateBuffers.For(parameters, true);
    }

    public double Lr { get; set; }

    public IReadOnlyList<HostTensor> State() => [.. _parameters.SelectMany((p, k) => new[] { StateTensors.Step(p, _steps), StateTensors.Of(p, OptimizerStateKeys.Sum, _sums[k]) })];

    public void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        var steps = reader.Steps(_parameters);
        var sums = _parameters.Select(p => reader.Buffer(p, OptimizerStateKeys.Sum)).ToList();
        reader.Finish();
        for (var k = 0; k < _parameters.Count; k++)
            StateReader.Load(sums[k], _sums[k], _options.InitialAccumulatorValue);
        _steps = steps;
    }

    public void Step()
    {
        _steps++;
        var clr = T.CreateChecked(Lr / (1 + (_steps - 1) * _options.LrDecay));
        var eps = T.CreateChecked(_options.Eps);
        var block = CacheBlocks.Size<T>();
        for (var k = 0; k < _parameters.Count; k++)
            for (var start = 0; start < _parameters[k].Value.Data.Length; start += block)
            {
                var length = Math.Min(block, _parameters[k].Value.Data.Length - start);
                var p = CacheBlocks.Of(_parameters[k].Value.Data, start, length);
                var s = CacheBlocks.Of(_sums[k].Data, start, length);
                var d = CacheBlocks.Of(_scratch[k].Data, start, length);
                var g = L2Decay.Apply<T>(p, CacheBlocks.Of(_parameters[k].Grad.Data, start, length), _options.WeightDecay, CacheBlocks.Of(_directions[k].Data, start, length));
                TensorPrimitives.MultiplyAdd(g, g, s, s);
                TensorPrimitives.Sqrt(s, d);
                TensorPrimitives.Add(d, eps, d);
                TensorPrimitives.Divide(g, d, d);
                TensorPrimitives.MultiplyAdd(d, -clr, p, p);
            }
    }
}
