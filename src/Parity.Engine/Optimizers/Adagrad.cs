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
public sealed class Adagrad<T> : BlockedOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly AdagradOptions _options;
    readonly Matrix<T>[] _sums, _directions, _scratch;
    int _steps;
    // The step's numbers (BeginStep).
    T _clr, _eps;

    public Adagrad(IReadOnlyList<Parameter<T>> parameters, Described options) : this(parameters, AdagradOptions.From(options))
    {
    }

    public Adagrad(IReadOnlyList<Parameter<T>> parameters, AdagradOptions options) : base(parameters, options.Lr)
    {
        _options = options;
        _sums = StateBuffers.For(parameters, true, options.InitialAccumulatorValue);
        _directions = StateBuffers.For(parameters, options.WeightDecay != 0);
        _scratch = StateBuffers.For(parameters, true);
    }

    public override IReadOnlyList<HostTensor> State() => [.. Parameters.SelectMany((p, k) => new[] { StateTensors.Step(p, _steps), StateTensors.Of(p, OptimizerStateKeys.Sum, _sums[k]) })];

    public override void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        var steps = reader.Steps(Parameters);
        var sums = Parameters.Select(p => reader.Buffer(p, OptimizerStateKeys.Sum)).ToList();
        reader.Finish();
        for (var k = 0; k < Parameters.Count; k++)
            StateReader.Load(sums[k], _sums[k], _options.InitialAccumulatorValue);
        _steps = steps;
    }

    public override void BeginStep()
    {
        _steps++;
        _clr = T.CreateChecked(Lr / (1 + (_steps - 1) * _options.LrDecay));
        _eps = T.CreateChecked(_options.Eps);
    }

    protected override void Update(int k, int start, int length, Span<T> p, ReadOnlySpan<T> grad)
    {
        var s = CacheBlocks.Of(_sums[k].Data, start, length);
        var d = CacheBlocks.Of(_scratch[k].Data, start, length);
        var g = L2Decay.Apply<T>(p, grad, _options.WeightDecay, CacheBlocks.Of(_directions[k].Data, start, length));
        TensorPrimitives.MultiplyAdd(g, g, s, s);
        TensorPrimitives.Sqrt(s, d);
        TensorPrimitives.Add(d, _eps, d);
        TensorPrimitives.Divide(g, d, d);
        TensorPrimitives.MultiplyAdd(d, -_clr, p, p);
    }
}
