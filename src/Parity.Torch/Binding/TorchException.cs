namespace Parity.Torch;

/// <summary>An error raised inside libtorch (a shape mismatch, a wrong dtype, an index out of range), carrying libtorch's own message.</summary>
public sealed class TorchException(string message) : Exception(message);
