using System.Numerics;
using System.Runtime.CompilerServices;
using Parity.Engine.Modules;

namespace Parity.Engine.Optimizers;

/// <summary>
/// An optimizer's passes over a parameter (Adam's are ten, each one TensorPrimitives call rounded as PyTorch rounds
/// it) taken a block at a time, all of them over one block before the next: the block's stretch of every buffer
/// stays in the core's L1 across the passes, where a whole Fashion CNN weight's passes each streamed it through L2
/// or L3 (Adam's step there: 0.337 → 0.271 ms). Every element still goes through the same operations in the same
/// order, so the values are the same bit for bit (<see cref="BlockedOptimizer{T}"/>).
/// </summary>
static class CacheBlocks
{
    /// <summary>Bytes of each buffer per block: five buffers' blocks (Adam's p, grad, m, v and its scratch) fit a 48 KiB L1.</summary>
    const int BlockBytes = 8 << 10;

    /// <summary>Elements of <typeparamref name="T"/> per block.</summary>
    public static int Size<T>() where T : unmanaged => BlockBytes / Unsafe.SizeOf<T>();

    /// <summary>Every parameter cut into blocks of <paramref name="size"/> values (the last one shorter), in order: (parameter, start, length).</summary>
    public static (int Parameter, int Start, int Length)[] Over<T>(IReadOnlyList<Parameter<T>> parameters, int size) where T : unmanaged, IFloatingPointIeee754<T> =>
        [.. parameters.SelectMany((parameter, k) => Enumerable.Range(0, (parameter.Value.Data.Length + size - 1) / size)
            .Select(b => (k, b * size, Math.Min(size, parameter.Value.Data.Length - b * size))))];

    /// <summary>Elements [start, start + length) of a buffer, or the buffer itself when the options made it empty (unused).</summary>
    public static Span<T> Of<T>(T[] buffer, int start, int length) => buffer.Length == 0 ? buffer : buffer.AsSpan(start, length);
}
