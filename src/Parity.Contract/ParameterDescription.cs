namespace Parity.Contract;

/// <summary>
/// A parameter (or buffer) the engine holds: its state_dict name, its shape, the index of the layer it
/// belongs to, and whether it is a buffer (running statistics: compared like a parameter, never trained).
/// </summary>
public sealed record ParameterDescription(string Name, int[] Shape, int Layer, bool Buffer = false);
