namespace Parity.Spec;

/// <summary>A linear warm-up (LinearLR): the lr starts at <see cref="StartFactor"/>·lr and reaches lr after <see cref="Epochs"/> epochs.</summary>
public sealed record WarmupSpec(int Epochs, double StartFactor);
