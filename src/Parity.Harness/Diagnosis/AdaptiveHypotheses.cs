using Parity.Harness.Checks;
using Parity.Spec;

namespace Parity.Harness.Diagnosis;

/// <summary>
/// <see cref="UpdateHypotheses"/> for Adam, AdamW, RMSprop and Adagrad: the recorded steps replayed under
/// the usual mistakes in each, fed the engine's own gradients, naming those that reproduce the engine's
/// parameters after every step. Diagnosis only, and only without clipping or a schedule (the replay takes
/// the raw gradients and the initial lr).
/// </summary>
static class AdaptiveHypotheses
{
    sealed record Variant(string Explanation, bool NoBiasCorrection = false, bool DecayAsL2 = false, bool EpsInsideRoot = false, bool NoLrDecay = false);

    static IEnumerable<Variant> Variants(OptimizerSpec optimizer)
    {
        switch (optimizer)
        {
            case AdamSpec:
                yield return new("Adam's bias corrections are missing: PyTorch steps by lr / (1 − β₁ᵗ) and divides √v by √(1 − β₂ᵗ), which matters most in the first steps, where m and v are still near their zero start", NoBiasCorrection: true);
                if (optimizer is AdamSpec { Decoupled: true, WeightDecay: not 0 })
                    yield return new("AdamW's weight decay is applied as L2, g ← g + wd·p, Adam's way; AdamW decouples it from the moments, p ← p·(1 − lr·wd) before the Adam step", DecayAsL2: true);
                break;
            case RmspropSpec:
                yield return new("RMSprop's eps is inside the square root, √(s + eps); PyTorch adds it outside, √s + eps", EpsInsideRoot: true);
                break;
            case AdagradSpec { LrDecay: not 0 }:
                yield return new("Adagrad ignores lr_decay: PyTorch steps by lr / (1 + (t − 1)·lr_decay) at step t", NoLrDecay: true);
                break;
        }
    }

    public static string? Explain(ParitySpec spec, IReadOnlyList<UpdateStep> steps)
    {
        if (spec.Clip is not null || spec.Schedule is not null)
            return null;
        var tolerance = spec.DType == DType.Float32 ? 1e-4 : 1e-9;
        var matches = Variants(spec.Optimizer)
            .Where(variant => Replay(spec.Optimizer, steps, variant).Zip(steps, (predicted, step) => UpdateHypotheses.Agrees(predicted, step.EngineAfter, tolerance)).All(ok => ok))
            .Select(v => v.Explanation).ToList();
        return matches.Count == 0 ? null : string.Join("; or ", matches);
    }

    /// <summary>The parameters after each recorded step, elementwise in float64; <c>a</c>, <c>b</c>, <c>c</c> are the optimizer's buffers.</summary>
    static IEnumerable<double[][]> Replay(OptimizerSpec optimizer, IReadOnlyList<UpdateStep> steps, Variant variant)
    {
        var parameters = steps[0].Before.Select(p => (double[])p.Data.Clone()).ToArray();
        var (a, b, c) = (Buffers(parameters, 0), Buffers(parameters, 0), Buffers(parameters, (optimizer as AdagradSpec)?.InitialAccumulatorValue ?? 0));
        var lr = optimizer.Lr;
        foreach (var step in steps)
        {
            var t = step.Step;
            for (var k = 0; k < parameters.Length; k++)
                for (var i = 0; i < parameters[k].Length; i++)
                {
                    ref var p = ref parameters[k][i];
                    var g = step.EngineGradients[k].Data[i];
                    switch (optimizer)
                    {
                        case AdamSpec adam:
                            if (adam.Decoupled && !variant.DecayAsL2)
                                p *= 1 - lr * adam.WeightDecay;
                            else
                                g += adam.WeightDecay * p;
                            a[k][i] = adam.Beta1 * a[k][i] + (1 - adam.Beta1) * g;
                            b[k][i] = adam.Beta2 * b[k][i] + (1 - adam.Beta2) * g * g;
                            c[k][i] = Math.Max(c[k][i], b[k][i]);
                            var (correction1, correction2) = variant.NoBiasCorrection ? (1, 1) : (1 - Math.Pow(adam.Beta1, t), 1 - Math.Pow(adam.Beta2, t));
                            p -= lr / correction1 * a[k][i] / (Math.Sqrt(adam.Amsgrad ? c[k][i] : b[k][i]) / Math.Sqrt(correction2) + adam.Eps);
                            break;
                        case RmspropSpec rmsprop:
                            g += rmsprop.WeightDecay * p;
                            a[k][i] = rmsprop.Alpha * a[k][i] + (1 - rmsprop.Alpha) * g * g;
                            b[k][i] = rmsprop.Alpha * b[k][i] + (1 - rmsprop.Alpha) * g;
                            var variance = rmsprop.Centered ? a[k][i] - b[k][i] * b[k][i] : a[k][i];
                            var direction = g / (variant.EpsInsideRoot ? Math.Sqrt(variance + rmsprop.Eps) : Math.Sqrt(variance) + rmsprop.Eps);
                            c[k][i] = rmsprop.Momentum * c[k][i] + direction;
                            p -= lr * (rmsprop.Momentum > 0 ? c[k][i] : direction);
                            break;
                        case AdagradSpec adagrad:
                            g += adagrad.WeightDecay * p;
                            c[k][i] += g * g;
                            p -= lr / (1 + (t - 1) * (variant.NoLrDecay ? 0 : adagrad.LrDecay)) * g / (Math.Sqrt(c[k][i]) + adagrad.Eps);
                            break;
                    }
                }
            yield return parameters.Select(p => (double[])p.Clone()).ToArray();
        }
    }

    static double[][] Buffers(double[][] parameters, double initial) => [.. parameters.Select(p => Enumerable.Repeat(initial, p.Length).ToArray())];
}
