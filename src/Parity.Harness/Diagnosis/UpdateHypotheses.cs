using Parity.Harness.Checks;
using Parity.Spec;

namespace Parity.Harness.Diagnosis;

/// <summary>
/// Explains an update that parts from TorchSharp's by replaying the recorded steps under the usual
/// mistakes in an SGD implementation and naming the ones that reproduce the engine's parameters after
/// every step, or PyTorch's own step with the learning rate scaled (<see cref="LearningRateScale"/>). This replay
/// is diagnosis only: the engine and the twin never use it.
/// </summary>
public static class UpdateHypotheses
{
    sealed record Variant(string Explanation, bool VForm = false, bool WeightDecayAfter = false, bool NoNesterov = false,
        bool DampenFirst = false, bool NoWeightDecay = false, bool ClipPerTensor = false, bool NoClip = false, bool NoMomentum = false,
        int LrShift = 0, bool NoSchedule = false, double LrScale = 1);

    /// <summary>SGD's options as plain fields, read once from the spec's settings.</summary>
    sealed record Sgd(double Lr, double Momentum, double Dampening, double WeightDecay, bool Nesterov)
    {
        public static Sgd Of(OptimizerSpec optimizer) => new(optimizer.Lr, optimizer.Settings.Number("momentum"),
            optimizer.Settings.Number("dampening"), optimizer.Settings.Number("weight_decay"), optimizer.Settings.Flag("nesterov"));
    }

    static IEnumerable<Variant> Variants(ParitySpec spec, Sgd sgd)
    {
        if (sgd.Momentum != 0)
        {
            yield return new("momentum is written as v ← μ·v − lr·g, p ← p + v; PyTorch keeps b ← μ·b + (1 − dampening)·g and applies the current lr to all of it, p ← p − lr·b (the two agree only while lr is constant and dampening is 0)", VForm: true);
            yield return new("the momentum is missing: the update uses the gradient alone", NoMomentum: true);
        }
        if (sgd.WeightDecay != 0)
        {
            yield return new("weight decay is added after the momentum buffer, p ← p − lr·(b + wd·p); PyTorch adds wd·p to the gradient before it enters the buffer", WeightDecayAfter: true);
            yield return new("weight decay is missing from the update (PyTorch: g ← g + wd·p)", NoWeightDecay: true);
        }
        if (sgd.Nesterov)
            yield return new("the Nesterov look-ahead is missing: PyTorch steps along g + μ·b, not b", NoNesterov: true);
        if (sgd.Momentum != 0 && sgd.Dampening != 0)
            yield return new("dampening is applied on the first step: PyTorch's first momentum buffer is g itself, (1 − dampening) applies from the second step on", DampenFirst: true);
        if (spec.Clip is { Kind: ClipKind.Norm })
            yield return new("gradients are clipped by each tensor's own norm instead of one global norm over all of them (clip_grad_norm_)", ClipPerTensor: true);
        if (spec.Clip is not null)
            yield return new("gradient clipping is missing", NoClip: true);
        if (spec.Schedule is not null)
        {
            yield return new("the learning-rate schedule steps one epoch early: update k uses the rate PyTorch's scheduler sets for epoch k + 1 (an epoch counter off by one, or the scheduler stepped before the epoch's updates)", LrShift: 1);
            yield return new("the learning-rate schedule steps one epoch late: update k uses the rate PyTorch's scheduler sets for epoch k − 1 (an epoch counter off by one, or the new rate applied an epoch after it is computed)", LrShift: -1);
            yield return new("the learning-rate schedule is never applied: every update uses the initial lr", NoSchedule: true);
        }
    }

    /// <summary>The mistakes that reproduce the engine's parameters after every recorded step (usually one), joined; null when none does.</summary>
    public static string? Explain(ParitySpec spec, IReadOnlyList<UpdateStep> steps)
    {
        if (spec.Optimizer.Keyword != "sgd")
            return AdaptiveHypotheses.Explain(spec, steps);
        var sgd = Sgd.Of(spec.Optimizer);
        var matches = Variants(spec, sgd).Where(variant => Reproduces(spec, steps, Replay(spec, sgd, steps, variant))).Select(v => v.Explanation).ToList();
        return matches.Count == 0 ? null : string.Join("; or ", matches);
    }

    /// <summary>
    /// The factor r ≠ 1 the engine's update is TorchSharp's times at the first failing step (least squares), when
    /// PyTorch's own step with lr × r reproduces the engine's parameters after every step — a scale of every
    /// element at every step, what a wrong learning rate does; null otherwise (another mistake, which a ratio
    /// sentence would point away from, or r = 1, which scales nothing).
    /// </summary>
    public static double? LearningRateScale(ParitySpec spec, IReadOnlyList<UpdateStep> steps, UpdateStep failure)
    {
        if (RatioFit.Common(failure.EngineAfter.Zip(failure.TwinAfter, failure.Before).Select(p =>
                (p.First.Data.Zip(p.Third.Data, (a, b) => a - b).ToArray(), p.Second.Data.Zip(p.Third.Data, (a, b) => a - b).ToArray()))) is not { } r
            || RatioFit.Near(r, 1))
            return null;
        var reproduces = spec.Optimizer.Keyword == "sgd"
            ? Reproduces(spec, steps, Replay(spec, Sgd.Of(spec.Optimizer), steps, new Variant("", LrScale: r)))
            : AdaptiveHypotheses.ReproducesWithLrScale(spec, steps, r);
        return reproduces ? r : null;
    }

    /// <summary>Whether the replayed parameters agree with the engine's after every recorded step, to the dtype's rounding.</summary>
    internal static bool Reproduces(ParitySpec spec, IReadOnlyList<UpdateStep> steps, IEnumerable<double[][]> replayed) =>
        replayed.Zip(steps, (predicted, step) => Agrees(predicted, step.EngineAfter, spec.DType == DType.Float32 ? 1e-4 : 1e-9)).All(ok => ok);

    static bool Agrees(double[][] predicted, IReadOnlyList<HostTensor> engine, double tolerance) =>
        predicted.Zip(engine, (p, e) => p.Zip(e.Data, (x, y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(y))).All(ok => ok)).All(ok => ok);

    /// <summary>The parameters after each recorded step, had the optimizer made the variant's mistake from the first step on, fed the engine's own gradients.</summary>
    static IEnumerable<double[][]> Replay(ParitySpec spec, Sgd sgd, IReadOnlyList<UpdateStep> steps, Variant variant)
    {
        var parameters = steps[0].Before.Select(p => (double[])p.Data.Clone()).ToArray();
        var buffers = parameters.Select(p => new double[p.Length]).ToArray();
        foreach (var step in steps)
        {
            var lr = (variant.NoSchedule ? sgd.Lr : ScheduleOps.LrOfEpoch(spec, step.Step + variant.LrShift)) * variant.LrScale;
            var gradients = Clip(spec.Clip, step.EngineGradients.Select(g => (double[])g.Data.Clone()).ToArray(), variant);
            for (var t = 0; t < parameters.Length; t++)
            {
                var (p, b) = (parameters[t], buffers[t]);
                for (var i = 0; i < p.Length; i++)
                {
                    var g = gradients[t][i] + (variant.NoWeightDecay || variant.WeightDecayAfter ? 0 : sgd.WeightDecay * p[i]);
                    if (sgd.Momentum == 0 || variant.NoMomentum)
                        p[i] -= lr * g;
                    else if (variant.VForm)
                    {
                        // b holds the velocity v; Nesterov's look-ahead in this form is p ← p + μ·v − lr·g.
                        b[i] = sgd.Momentum * b[i] - lr * g;
                        p[i] += sgd.Nesterov ? sgd.Momentum * b[i] - lr * g : b[i];
                    }
                    else
                    {
                        b[i] = step.Step == 1 ? (variant.DampenFirst ? (1 - sgd.Dampening) * g : g) : sgd.Momentum * b[i] + (1 - sgd.Dampening) * g;
                        var direction = sgd.Nesterov && !variant.NoNesterov ? g + sgd.Momentum * b[i] : b[i];
                        p[i] -= lr * (direction + (variant.WeightDecayAfter ? sgd.WeightDecay * p[i] : 0));
                    }
                }
            }
            yield return parameters.Select(p => (double[])p.Clone()).ToArray();
        }
    }

    static double[][] Clip(ClipSpec? clip, double[][] gradients, Variant variant)
    {
        if (clip is null || variant.NoClip)
            return gradients;
        if (clip.Kind == ClipKind.Value)
            return gradients.Select(g => g.Select(v => Math.Clamp(v, -clip.Threshold, clip.Threshold)).ToArray()).ToArray();
        var groups = variant.ClipPerTensor ? gradients.Select(g => new[] { g }).ToArray() : [gradients];
        foreach (var group in groups)
        {
            var total = Math.Sqrt(group.Sum(g => g.Sum(v => v * v)));
            var coefficient = clip.Threshold / (total + 1e-6);
            if (coefficient < 1)
                foreach (var g in group)
                    for (var i = 0; i < g.Length; i++)
                        g[i] *= coefficient;
        }
        return gradients;
    }
}
