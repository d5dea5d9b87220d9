namespace Parity.Spec;

public enum ScheduleKind { Exponential, Step }

/// <summary>A learning-rate schedule stepped once per epoch: lr·γ each epoch, or every <see cref="StepSize"/> epochs.</summary>
public sealed record ScheduleSpec(ScheduleKind Kind, double Gamma, int StepSize = 1);

public enum ClipKind { Norm, Value }

/// <summary>Gradient clipping before each step: by the global 2-norm (clip_grad_norm_) or elementwise (clip_grad_value_).</summary>
public sealed record ClipSpec(ClipKind Kind, double Threshold);
