namespace Parity.Spec;

/// <summary>The schedule after the warm-up; <see cref="Constant"/> is a warm-up alone (the lr stays where the warm-up ends).</summary>
public enum ScheduleKind { Exponential, Step, Cosine, Constant }

/// <summary>
/// A learning-rate schedule stepped once per epoch: lr·γ each epoch, or every <see cref="StepSize"/> epochs, or
/// CosineAnnealingLR over <see cref="TMax"/> epochs down to <see cref="EtaMin"/>; with a <see cref="Warmup"/>, LinearLR
/// first and the schedule from the warm-up's last epoch on (SequentialLR).
/// </summary>
public sealed record ScheduleSpec(ScheduleKind Kind, double Gamma = 1, int StepSize = 1, int TMax = 1, double EtaMin = 0, WarmupSpec? Warmup = null);

public enum ClipKind { Norm, Value }

/// <summary>Gradient clipping before each step: by the global 2-norm (clip_grad_norm_) or elementwise (clip_grad_value_).</summary>
public sealed record ClipSpec(ClipKind Kind, double Threshold)
{
    public ClipOp Op => ClipOps.Of(Kind);
}
