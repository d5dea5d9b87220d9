namespace Parity.Spec;

public enum InitKind
{
    TorchDefault, XavierUniform, XavierNormal, KaimingUniform, KaimingNormal, Normal, Uniform,
    /// <summary>TorchSharp's own seeded default initialisation, made by the twin and handed to the engine.</summary>
    Torch,
}

/// <summary>The initial-parameter scheme; <see cref="Std"/>, <see cref="Low"/>, <see cref="High"/> for normal and uniform.</summary>
public sealed record InitSpec(InitKind Kind, double Std = 0, double Low = 0, double High = 0);
