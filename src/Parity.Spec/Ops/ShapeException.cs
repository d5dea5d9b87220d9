namespace Parity.Spec;

/// <summary>A layer that does not fit the shape reaching it: the message says why and what to write instead; the spec loader adds the layer's place.</summary>
public sealed class ShapeException(string message) : Exception(message);
