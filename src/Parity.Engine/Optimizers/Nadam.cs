using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Engine.Optimizers;

/// <summary>
/// torch.optim.NAdam, step for step, in the order TorchSharp computes it: g ← grad + wd·p;
/// μₜ = β₁·(1 − ½·0.96^(t·ψ)) and μₜ₊₁ likewise, ψ the momentum_decay; Πₜ ← Πₜ₋₁·μₜ (mu_product, from 1);
/// m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g·g;  d ← √(v / (1 − β₂ᵗ)) + eps;
/// p ← p − (lr·(1 − μₜ) / (1 − Πₜ))·(g / d) − (lr·μₜ₊₁ / (1 − Πₜ·μₜ₊₁))·(m / d).
/// </summary>
[OptimizerKind("nadam")]
public sealed class Nadam<T> : BlockedOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly double _beta1, _beta2, _eps, _weightDecay, _momentumDecay;
    readonly Matrix<T>[] _firstMoments, _secondMoments, _directions, _scratch;
    int _steps;
    double _muProduct = 1;
    // The step's numbers (BeginStep).
    T _gradientStep, _momentStep, _beta1T, _beta2T, _keep1, _keep2, _correction2, _epsT;

    public Nadam(IReadOnlyList<Parameter<T>> parameters, Described options) : base(parameters, options.Number("lr"))
    {
        (_beta1, _beta2) = (options.Numbers("betas")[0], options.Numbers("betas")[1]);
        (_eps, _weightDecay, _momentumDecay) = (options.Number("eps"), options.Number("weight_decay"), options.Number("momentum_decay"));
        _firstMoments = StateBuffers.For(parameters, true);
        _secondMoments = StateBuffers.For(parameters, true);
        _directions = StateBuffers.For(parameters, _weightDecay != 0);
        _scratch = StateBuffers.For(parameters, true);
    }

    public override IReadOnlyList<HostTensor> State() => [.. Parameters.SelectMany((p, k) => new[]
    {
        StateTensors.Step(p, _steps), StateTensors.Scalar(p, OptimizerStateKeys.MuProduct, _muProduct),
        StateTensors.Of(p, OptimizerStateKeys.ExpAvg, _firstMoments[k]), StateTensors.Of(p, OptimizerStateKeys.ExpAvgSq, _secondMoments[k]),
    })];

    public override void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        var steps = reader.Steps(Parameters);
        var muProduct = reader.Scalar(Parameters, OptimizerStateKeys.MuProduct, 1, double.IsFinite, "one number, the product of the momentum coefficients so far");
        var buffers = Parameters.Select(p => (m: reader.Buffer(p, OptimizerStateKeys.ExpAvg), v: reader.Buffer(p, OptimizerStateKeys.ExpAvgSq))).ToList();
        reader.Finish();
        for (var k = 0; k < Parameters.Count; k++)
        {
            StateReader.Load(buffers[k].m, _firstMoments[k]);
            StateReader.Load(buffers[k].v, _secondMoments[k]);
        }
        (_steps, _muProduct) = (steps, muProduct);
    }

    public override void BeginStep()
    {
        _steps++;
        var mu = _beta1 * (1 - 0.5 * Math.Pow(0.96, _steps * _momentumDecay));
        var muNext = _beta1 * (1 - 0.5 * Math.Pow(0.96, (_steps + 1) * _momentumDecay));
        _muProduct *= mu;
        _gradientStep = T.CreateChecked(-Lr * (1 - mu) / (1 - _muProduct));
        _momentStep = T.CreateChecked(-Lr * muNext / (1 - _muProduct * muNext));
        (_beta1T, _beta2T, _keep1, _keep2) = (T.CreateChecked(_beta1), T.CreateChecked(_beta2), T.CreateChecked(1 - _beta1), T.CreateChecked(1 - _beta2));
        (_correction2, _epsT) = (T.CreateChecked(1 - Math.Pow(_beta2, _steps)), T.CreateChecked(_eps));
    }

    protected override void Update(int k, int start, int length, Span<T> p, ReadOnlySpan<T> grad)
    {
        var m = CacheBlocks.Of(_firstMoments[k].Data, start, length);
        var v = CacheBlocks.Of(_secondMoments[k].Data, start, length);
        var d = CacheBlocks.Of(_scratch[k].Data, start, length);
        var g = L2Decay.Apply<T>(p, grad, _weightDecay, CacheBlocks.Of(_directions[k].Data, start, length));
        Moments.Update(m, v, g, d, (_beta1T, _keep1), (_beta2T, _keep2));
        TensorPrimitives.Divide(v, _correction2, d);
        TensorPrimitives.Sqrt(d, d);
        TensorPrimitives.Add(d, _epsT, d);
        // two addcdiv_: p + step·(g / d), then p + step·(m / d); the scratch d is read by both, so each quotient goes through p's own update.
        for (var i = 0; i < p.Length; i++)
        {
            p[i] += _gradientStep * (g[i] / d[i]);
            p[i] += _momentStep * (m[i] / d[i]);
        }
    }
}
