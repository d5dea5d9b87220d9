using Parity.Harness.Comparison;
using Parity.Harness.Training;
using Parity.Spec;
using static Parity.Harness.Diagnosis.Wording;

namespace Parity.Harness.Diagnosis;

/// <summary>
/// Names the part of an optimizer update that is wrong from the optimizer's own state, not from a list of
/// known mistakes: the update check's steps are taken again teacher-forced (each from TorchSharp's parameters
/// and state, <see cref="Checks.UpdateParity.Forced"/>), and the first step with an own difference is read in
/// the order the update computes its parts — the buffers the (decayed) gradient enters, the learning rate in
/// effect, then the step applied to the parameters (where Nesterov's look-ahead, lr, eps and the bias
/// corrections act) — naming the first part that differs and the options that feed it, with their values, in the
/// formula of the spec's variant (amsgrad's v̂, centered RMSprop's √(s − ḡ²), RMSprop's momentum, Nesterov, AdamW).
/// </summary>
public static class StateDiagnosis
{
    public static string? Explain(ParitySpec spec, IReadOnlyList<ForcedStep> steps)
    {
        if (steps.FirstOrDefault(s => !s.Passed) is not { } step)
            return null;
        var order = Order(spec.Optimizer);
        var state = step.State.Where(d => !d.Passed).OrderBy(d => order.IndexOf(Key(d.Name)) is var i and >= 0 ? i : order.Count).FirstOrDefault();
        var prefix = $"from TorchSharp's parameters and optimizer state, the first part of the update to differ is the";
        if (state is not null)
        {
            var key = Key(state.Name);
            var owner = key == "lr" ? "" : $" of {state.Name[..^(key.Length + 1)]}";
            return $"{prefix} {key}{owner} at step {step.Step} (max rel err {Number(state.MaxRelErr)}, engine {Number(state.Value)} vs TorchSharp {Number(state.Reference)}): {Feeds(spec, key, step.Step)}"
                + (key == "lr" ? "" : Clipped(spec));
        }
        var parameter = step.FirstParameter!;
        return $"{prefix} step applied to {parameter.Name} at step {step.Step}, every optimizer state entry agreeing (max rel err {Number(parameter.MaxRelErr)}): {Feeds(spec, "", step.Step)}{Clipped(spec)}";
    }

    /// <summary>Clipping changes the gradient before any part of the update sees it: an option that feeds every part.</summary>
    static string Clipped(ParitySpec spec) => spec.Clip is { } clip
        ? $"; every part takes the gradient after clipping ({(clip.Kind == ClipKind.Norm ? "clip_grad_norm_, max_norm" : "clip_grad_value_, clip_value")} {Number(clip.Threshold)})"
        : "";

    /// <summary>The state key of an entry's name: <c>exp_avg</c> of <c>0.weight.exp_avg</c>; <c>lr</c> of <c>lr</c>.</summary>
    static string Key(string name) => name == "lr" ? "lr" : KnownKeys.FirstOrDefault(k => name.EndsWith("." + k, StringComparison.Ordinal)) ?? name[(name.LastIndexOf('.') + 1)..];

    static readonly string[] KnownKeys = ["momentum_buffer", "exp_avg_sq", "max_exp_avg_sq", "exp_avg", "square_avg", "grad_avg", "sum", "step"];

    /// <summary>The state entries in the order one update computes them; the lr in effect before the step it scales.</summary>
    static List<string> Order(OptimizerSpec optimizer) => optimizer switch
    {
        SgdSpec => ["momentum_buffer", "lr"],
        AdamSpec => ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "lr"],
        RmspropSpec => ["step", "square_avg", "grad_avg", "momentum_buffer", "lr"],
        AdagradSpec => ["step", "sum", "lr"],
        _ => ["lr"],
    };

    /// <summary>What computes a part of the update (<paramref name="key"/>; "" for the step applied to the parameters), and the options that feed it.</summary>
    static string Feeds(ParitySpec spec, string key, int step)
    {
        var decayed = (double wd) => wd == 0 ? "" : $", with the decayed gradient g = grad + wd·p (weight_decay {Number(wd)})";
        return (spec.Optimizer, key) switch
        {
            (_, "lr") => spec.Schedule is { } schedule
                ? $"the learning-rate schedule ({schedule.Kind.ToString().ToLowerInvariant()}, gamma {Number(schedule.Gamma)}) feeds it, stepped once after each epoch (PyTorch's scheduler.step())"
                : "lr feeds it, and no schedule changes it",
            (SgdSpec sgd, "momentum_buffer") when step == 1 => $"PyTorch's first buffer is the gradient itself, b ← g{decayed(sgd.WeightDecay)}; momentum {Number(sgd.Momentum)} and dampening {Number(sgd.Dampening)} act from step 2 on",
            (SgdSpec sgd, "momentum_buffer") => $"momentum {Number(sgd.Momentum)} and dampening {Number(sgd.Dampening)} feed it, b ← μ·b + (1 − dampening)·g{decayed(sgd.WeightDecay)}",
            (SgdSpec sgd, _) => (sgd.Nesterov ? $"the Nesterov look-ahead (nesterov, momentum {Number(sgd.Momentum)}) feeds it, p ← p − lr·(g + μ·b) with b the buffer after this step's update" : sgd.Momentum != 0 ? "p ← p − lr·b feeds it" : $"p ← p − lr·g feeds it{decayed(sgd.WeightDecay)}")
                + $", lr {Number(sgd.Lr)}",
            (AdamSpec, "step") => "the step count t, one more at every step, feeds it",
            (AdamSpec adam, "exp_avg") => $"betas[0] {Number(adam.Beta1)} feeds it, m ← β₁·m + (1 − β₁)·g" + (adam.Decoupled ? "" : decayed(adam.WeightDecay)),
            (AdamSpec adam, "exp_avg_sq") => $"betas[1] {Number(adam.Beta2)} feeds it, v ← β₂·v + (1 − β₂)·g²" + (adam.Decoupled ? "" : decayed(adam.WeightDecay)),
            (AdamSpec, "max_exp_avg_sq") => "amsgrad feeds it, v̂ ← max(v̂, v), the largest v so far",
            (AdamSpec adam, _) => $"lr {Number(adam.Lr)}, eps {Number(adam.Eps)} and the bias corrections feed it, "
                + (adam.Amsgrad ? "p ← p − (lr / (1 − β₁ᵗ))·m / (√v̂ / √(1 − β₂ᵗ) + eps) with amsgrad's v̂ = max_exp_avg_sq" : "p ← p − (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + eps)")
                + (adam.Decoupled && adam.WeightDecay != 0 ? $", after AdamW's decoupled decay p ← p·(1 − lr·wd) (weight_decay {Number(adam.WeightDecay)})" : ""),
            (RmspropSpec, "step") => "the step count, one more at every step, feeds it",
            (RmspropSpec rmsprop, "square_avg") => $"alpha {Number(rmsprop.Alpha)} feeds it, s ← α·s + (1 − α)·g²{decayed(rmsprop.WeightDecay)}",
            (RmspropSpec rmsprop, "grad_avg") => $"alpha {Number(rmsprop.Alpha)} and centered feed it, ḡ ← α·ḡ + (1 − α)·g{decayed(rmsprop.WeightDecay)}",
            (RmspropSpec rmsprop, "momentum_buffer") => $"momentum {Number(rmsprop.Momentum)} and eps {Number(rmsprop.Eps)} feed it, b ← μ·b + g / ({Root(rmsprop)} + eps){Centered(rmsprop)}",
            (RmspropSpec { Momentum: > 0 } rmsprop, _) => $"lr {Number(rmsprop.Lr)} feeds it, p ← p − lr·b with the momentum_buffer b ← μ·b + g / ({Root(rmsprop)} + eps){Centered(rmsprop)}",
            (RmspropSpec rmsprop, _) => $"lr {Number(rmsprop.Lr)} and eps {Number(rmsprop.Eps)} feed it, p ← p − lr·g / ({Root(rmsprop)} + eps){Centered(rmsprop)}",
            (AdagradSpec, "step") => "the step count t, one more at every step, feeds it",
            (AdagradSpec adagrad, "sum") => $"initial_accumulator_value {Number(adagrad.InitialAccumulatorValue)} feeds it, s ← s + g²{decayed(adagrad.WeightDecay)}",
            (AdagradSpec adagrad, _) => $"lr {Number(adagrad.Lr)}, lr_decay {Number(adagrad.LrDecay)} and eps {Number(adagrad.Eps)} feed it, p ← p − (lr / (1 + (t − 1)·lr_decay))·g / (√s + eps)",
            _ => $"{key} feeds it",
        };
    }

    /// <summary>The root RMSprop divides by: centered, of the variance s − ḡ²; else of s.</summary>
    static string Root(RmspropSpec rmsprop) => rmsprop.Centered ? "√(s − ḡ²)" : "√s";

    static string Centered(RmspropSpec rmsprop) => rmsprop.Centered ? ", centered: ḡ the running mean of g in grad_avg, s the square_avg" : "";
}
