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
        var state = step.State.Where(d => !d.Passed).OrderBy(d => order.IndexOf(Key(spec, d.Name)) is var i and >= 0 ? i : order.Count).FirstOrDefault();
        var prefix = $"from TorchSharp's parameters and optimizer state, the first part of the update to differ is the";
        if (state is not null)
        {
            var key = Key(spec, state.Name);
            var owner = key == OptimizerStateKeys.Lr ? "" : $" of {state.Name[..^(key.Length + 1)]}";
            return $"{prefix} {key}{owner} at step {step.Step} (max rel err {Number(state.MaxRelErr)}, engine {Number(state.Value)} vs TorchSharp {Number(state.Reference)}): {Feeds(spec, key, step.Step)}"
                + (key == OptimizerStateKeys.Lr ? "" : Clipped(spec));
        }
        var parameter = step.FirstParameter!;
        return $"{prefix} step applied to {parameter.Name} at step {step.Step}, every optimizer state entry agreeing (max rel err {Number(parameter.MaxRelErr)}): {Feeds(spec, "", step.Step)}{Clipped(spec)}";
    }

    /// <summary>Clipping changes the gradient before any part of the update sees it: an option that feeds every part.</summary>
    static string Clipped(ParitySpec spec) => spec.Clip is { } clip
        ? $"; every part takes the gradient after clipping ({clip.Op.Function}, {clip.Op.Option} {Number(clip.Threshold)})"
        : "";

    /// <summary>The state key of an entry's name: <c>exp_avg</c> of <c>0.weight.exp_avg</c> (the longest key the optimizer keeps that ends it); <c>lr</c> of <c>lr</c>.</summary>
    static string Key(ParitySpec spec, string name) => name == OptimizerStateKeys.Lr ? name
        : spec.Optimizer.StateKeys.Where(k => name.EndsWith("." + k, StringComparison.Ordinal)).MaxBy(k => k.Length) ?? name[(name.LastIndexOf('.') + 1)..];

    /// <summary>The state entries in the order one update computes them (the catalogue's); the lr in effect before the step it scales.</summary>
    static List<string> Order(OptimizerSpec optimizer) => [.. optimizer.StateKeys, OptimizerStateKeys.Lr];

    /// <summary>What computes a part of the update (<paramref name="key"/>; "" for the step applied to the parameters), and the options that feed it.</summary>
    static string Feeds(ParitySpec spec, string key, int step) => key == OptimizerStateKeys.Lr
        ? spec.Schedule is { } schedule
            ? $"the learning-rate schedule ({Schedule(schedule)}) feeds it, stepped once after each epoch (PyTorch's scheduler.step())"
            : "lr feeds it, and no schedule changes it"
        : spec.Optimizer.Op.Part(spec.Optimizer.Settings, key, step);

    static string Schedule(ScheduleSpec schedule) => (schedule.Warmup is { } warmup ? $"a linear warm-up over {warmup.Epochs} epochs from start_factor {Number(warmup.StartFactor)}" : "")
        + (schedule.Warmup is not null && schedule.Kind != ScheduleKind.Constant ? ", then " : "")
        + schedule.Kind switch
        {
            ScheduleKind.Exponential => $"exponential, gamma {Number(schedule.Gamma)}",
            ScheduleKind.Step => $"step, gamma {Number(schedule.Gamma)}",
            ScheduleKind.Cosine => $"cosine, T_max {schedule.TMax}, eta_min {Number(schedule.EtaMin)}",
            _ => "",
        };
}
