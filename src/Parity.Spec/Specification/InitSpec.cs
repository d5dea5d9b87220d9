namespace Parity.Spec;

public enum InitKind
{
    TorchDefault, XavierUniform, XavierNormal, KaimingUniform, KaimingNormal, Normal, Uniform,
    /// <summary>TorchSharp's own seeded default initialisation, made by the twin and handed to the engine.</summary>
    Torch,
    /// <summary>A state_dict saved by PyTorch (torch.save) or as safetensors, read through TorchSharp.</summary>
    From,
}

/// <summary>
/// The initial-parameter scheme; <see cref="Std"/>, <see cref="Low"/>, <see cref="High"/> for normal and
/// uniform, <see cref="Path"/> (full, found relative to the spec's folder) for <c>from</c>.
/// </summary>
public sealed record InitSpec(InitKind Kind, double Std = 0, double Low = 0, double High = 0, string? Path = null);
