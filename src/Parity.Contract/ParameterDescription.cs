namespace Parity.Contract;

/// <summary>A parameter (or buffer) the engine holds: its state_dict name, its shape, and the index of the layer it belongs to.</summary>
public sealed record ParameterDescription(string Name, int[] Shape, int Layer);
