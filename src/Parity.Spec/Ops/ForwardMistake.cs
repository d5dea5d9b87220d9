namespace Parity.Spec;

/// <summary>
/// A usual mistake in an op's forward, for diagnosis: the output [rows, …] it gives from TorchSharp's
/// input x and output y of the layer (both flat, row-major) and the batch's rows, and the sentence that
/// names it. No engine uses these rules.
/// </summary>
public sealed record ForwardMistake(string Explanation, Func<double[], double[], int, double[]> Output);

/// <summary>
/// A usual mistake in how an op updates one of its buffers in a training forward, for diagnosis: the
/// buffer's name in the layer (<c>running_var</c>), the value it gives from the layer's input x, the
/// batch's rows and TorchSharp's value after the same forward, and the sentence that names it.
/// </summary>
public sealed record BufferMistake(string Explanation, string Buffer, Func<double[], int, double[], double[]> After);
