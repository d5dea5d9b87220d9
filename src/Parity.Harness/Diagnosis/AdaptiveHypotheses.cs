using Parity.Harness.Checks;
using Parity.Spec;

namespace Parity.Harness.Diagnosis;

/// <summary>
/// <see cref="UpdateHypotheses"/> for Adam, AdamW, RMSprop and Adagrad: PyTorch's step recomputed in plain
/// float64 under each known wrong variant of the spec's optimizer and options (one table, <see cref="Mistakes"/>),
/// from the recorded parameters before the first step and the engine's own gradients, naming the variant that
/// reproduces the engine's parameters after every step. Diagnosis only, and only without clipping or a schedule
/// (the replay takes the raw gradients and the initial lr).
/// </summary>
static class AdaptiveHypotheses
{
    /// <summary>Where a replayed step departs from PyTorch's (none: <c>default</c>); a mistake may combine several.</summary>
    [Flags]
    enum Departure
    {
        NoMomentCorrection = 1,
        NoSquareCorrection = 2,
        DecayAsL2 = 4,
        DecayAfterStep = 8,
        DecayWithoutLr = 16,
        EpsInsideRoot = 32,
        MaxNotTaken = 64,
        MeanNotSubtracted = 128,
        NoLrDecay = 256,
    }

    /// <summary>A known wrong variant: the optimizers and options it can occur in, how the replay departs, and what is said when it reproduces the engine.</summary>
    sealed record Mistake(Func<OptimizerSpec, bool> Applies, Departure Departure, Func<OptimizerSpec, string> Explanation);

    static readonly Mistake[] Mistakes =
    [
        new(IsAdam, Departure.NoMomentCorrection | Departure.NoSquareCorrection, o =>
            $"Adam's bias corrections are missing: PyTorch steps by lr / (1 − β₁ᵗ) and divides {Second(o)} by √(1 − β₂ᵗ), which matters most in the first steps, where m and v are still near their zero start"),
        new(IsAdam, Departure.NoMomentCorrection, o =>
            $"the bias correction of m (exp_avg) is missing: the engine steps by lr·m, PyTorch by (lr / (1 − β₁ᵗ))·m, while {Second(o)} is divided by √(1 − β₂ᵗ) as in PyTorch"),
        new(IsAdam, Departure.NoSquareCorrection, o =>
            $"the bias correction of v (exp_avg_sq) is missing: the engine divides by {Second(o)} + eps, PyTorch by {Second(o)} / √(1 − β₂ᵗ) + eps, while m is corrected by 1 − β₁ᵗ as in PyTorch"),
        new(DecayedAdamW, Departure.DecayAsL2, _ =>
            "AdamW's weight decay is applied as L2, g ← g + wd·p, Adam's way; AdamW decouples it from the moments, p ← p·(1 − lr·wd) before the Adam step"),
        new(DecayedAdamW, Departure.DecayAfterStep, _ =>
            "AdamW's decoupled decay is applied after the Adam step, p ← (p − step)·(1 − lr·wd); PyTorch shrinks the weights before it, p ← p·(1 − lr·wd), and then takes the step"),
        new(DecayedAdamW, Departure.DecayWithoutLr, _ =>
            "AdamW's decoupled decay is not scaled by the learning rate, p ← p·(1 − wd); PyTorch shrinks by p ← p·(1 − lr·wd)"),
        new(IsAdam, Departure.EpsInsideRoot, o =>
            $"Adam's eps is inside the square root, √({Square(o)} / (1 − β₂ᵗ) + eps); PyTorch adds it outside, {Second(o)} / √(1 − β₂ᵗ) + eps"),
        new(o => IsAdam(o) && o.Settings.Flag("amsgrad"), Departure.MaxNotTaken, _ =>
            "AMSGrad's maximum is not taken: the engine divides by √v, PyTorch by √v̂ with v̂ ← max(v̂, v) kept in max_exp_avg_sq, so that the denominator never shrinks"),
        new(o => o.Keyword == "rmsprop", Departure.EpsInsideRoot, o =>
            $"RMSprop's eps is inside the square root, √({Variance(o)} + eps); PyTorch adds it outside, √({Variance(o)}) + eps"),
        new(o => o.Keyword == "rmsprop" && o.Settings.Flag("centered"), Departure.MeanNotSubtracted, _ =>
            "centered RMSprop's mean is not subtracted: the engine divides by √s + eps, PyTorch by √(s − ḡ²) + eps with ḡ ← α·ḡ + (1 − α)·g the running mean kept in grad_avg"),
        new(o => o.Keyword == "adagrad" && o.Settings.Number("lr_decay") != 0, Departure.NoLrDecay, _ =>
            "Adagrad ignores lr_decay: PyTorch steps by lr / (1 + (t − 1)·lr_decay) at step t"),
    ];

    /// <summary>The optimizers <see cref="Replay"/> steps; the others' mistakes are named by <see cref="StateDiagnosis"/> alone.</summary>
    static readonly string[] Replayed = ["adam", "adamw", "rmsprop", "adagrad"];

    static bool IsAdam(OptimizerSpec optimizer) => optimizer.Keyword is "adam" or "adamw";

    static bool DecayedAdamW(OptimizerSpec optimizer) => optimizer.Keyword == "adamw" && optimizer.Settings.Number("weight_decay") != 0;

    /// <summary>Adam's second moment as the step reads it: v̂ (max_exp_avg_sq) with amsgrad, else v.</summary>
    static string Square(OptimizerSpec optimizer) => optimizer.Settings.Flag("amsgrad") ? "v̂" : "v";

    static string Second(OptimizerSpec optimizer) => $"√{Square(optimizer)}";

    /// <summary>What RMSprop takes the root of: s − ḡ² when centered, else s.</summary>
    static string Variance(OptimizerSpec optimizer) => optimizer.Settings.Flag("centered") ? "s − ḡ²" : "s";

    public static string? Explain(ParitySpec spec, IReadOnlyList<UpdateStep> steps)
    {
        if (spec.Clip is not null || spec.Schedule is not null)
            return null;
        var matches = Mistakes.Where(mistake => mistake.Applies(spec.Optimizer))
            .Where(mistake => UpdateHypotheses.Reproduces(spec, steps, Replay(spec.Optimizer, steps, mistake.Departure, lrScale: 1)))
            .Select(mistake => mistake.Explanation(spec.Optimizer)).ToList();
        return matches.Count == 0 ? null : string.Join("; or ", matches);
    }

    /// <summary>Whether PyTorch's own step with lr × <paramref name="lrScale"/> reproduces the engine's parameters after every step (never under clipping or a schedule, which the replay leaves out).</summary>
    public static bool ReproducesWithLrScale(ParitySpec spec, IReadOnlyList<UpdateStep> steps, double lrScale) =>
        spec.Clip is null && spec.Schedule is null && Replayed.Contains(spec.Optimizer.Keyword) && UpdateHypotheses.Reproduces(spec, steps, Replay(spec.Optimizer, steps, default, lrScale));

    /// <summary>The parameters after each recorded step, elementwise in float64; <c>a</c>, <c>b</c>, <c>c</c> are the optimizer's buffers.</summary>
    static IEnumerable<double[][]> Replay(OptimizerSpec optimizer, IReadOnlyList<UpdateStep> steps, Departure departure, double lrScale)
    {
        bool Has(Departure d) => (departure & d) != 0;
        var parameters = steps[0].Before.Select(p => (double[])p.Data.Clone()).ToArray();
        var o = optimizer.Settings;
        double Option(string name) => o.Number(name);
        var (a, b, c) = (Buffers(parameters, 0), Buffers(parameters, 0), Buffers(parameters, optimizer.Keyword == "adagrad" ? Option("initial_accumulator_value") : 0));
        var lr = optimizer.Lr * lrScale;
        foreach (var step in steps)
        {
            var t = step.Step;
            for (var k = 0; k < parameters.Length; k++)
                for (var i = 0; i < parameters[k].Length; i++)
                {
                    ref var p = ref parameters[k][i];
                    var g = step.EngineGradients[k].Data[i];
                    switch (optimizer.Keyword)
                    {
                        case "adam" or "adamw":
                            var (beta1, beta2, eps, wd, amsgrad) = (o.Numbers("betas")[0], o.Numbers("betas")[1], Option("eps"), Option("weight_decay"), o.Flag("amsgrad"));
                            var decoupled = optimizer.Keyword == "adamw" && !Has(Departure.DecayAsL2);
                            var shrink = 1 - (Has(Departure.DecayWithoutLr) ? 1 : lr) * wd;
                            if (decoupled && !Has(Departure.DecayAfterStep))
                                p *= shrink;
                            else if (!decoupled)
                                g += wd * p;
                            a[k][i] = beta1 * a[k][i] + (1 - beta1) * g;
                            b[k][i] = beta2 * b[k][i] + (1 - beta2) * g * g;
                            c[k][i] = Has(Departure.MaxNotTaken) ? b[k][i] : Math.Max(c[k][i], b[k][i]);
                            var correction1 = Has(Departure.NoMomentCorrection) ? 1 : 1 - Math.Pow(beta1, t);
                            var correction2 = Has(Departure.NoSquareCorrection) ? 1 : 1 - Math.Pow(beta2, t);
                            var square = amsgrad ? c[k][i] : b[k][i];
                            var denominator = Has(Departure.EpsInsideRoot) ? Math.Sqrt(square / correction2 + eps) : Math.Sqrt(square) / Math.Sqrt(correction2) + eps;
                            p -= lr / correction1 * a[k][i] / denominator;
                            if (decoupled && Has(Departure.DecayAfterStep))
                                p *= shrink;
                            break;
                        case "rmsprop":
                            var (alpha, momentum) = (Option("alpha"), Option("momentum"));
                            g += Option("weight_decay") * p;
                            a[k][i] = alpha * a[k][i] + (1 - alpha) * g * g;
                            b[k][i] = alpha * b[k][i] + (1 - alpha) * g;
                            var variance = o.Flag("centered") && !Has(Departure.MeanNotSubtracted) ? a[k][i] - b[k][i] * b[k][i] : a[k][i];
                            var direction = g / (Has(Departure.EpsInsideRoot) ? Math.Sqrt(variance + Option("eps")) : Math.Sqrt(variance) + Option("eps"));
                            c[k][i] = momentum * c[k][i] + direction;
                            p -= lr * (momentum > 0 ? c[k][i] : direction);
                            break;
                        case "adagrad":
                            g += Option("weight_decay") * p;
                            c[k][i] += g * g;
                            p -= lr / (1 + (t - 1) * (Has(Departure.NoLrDecay) ? 0 : Option("lr_decay"))) * g / (Math.Sqrt(c[k][i]) + Option("eps"));
                            break;
                        default:
                            throw new ArgumentException($"no replay of {optimizer.Keyword}");
                    }
                }
            yield return parameters.Select(p => (double[])p.Clone()).ToArray();
        }
    }

    static double[][] Buffers(double[][] parameters, double initial) => [.. parameters.Select(p => Enumerable.Repeat(initial, p.Length).ToArray())];
}
