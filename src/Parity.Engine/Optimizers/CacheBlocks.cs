using System.Numerics;
using System.Runtime.CompilerServices;
using Parity.Engine.Modules;

namespace Parity.Engine.Optimizers;

/// <summary>
/// An optimizer's passes over a parameter (Adam's are ten, each one TensorPrimitives call rounded as PyTorch rounds
/// it) taken a block at a time, all of them over one block before the next: the block's stretch of every buffer
/// stays in the core's L1 across the passes, where a whole Fashion CNN weight's passes each streamed it through L2
/// or L3 (Adam's step there: 0.337 → 0.271 ms). Every element still goes through the same operations in the same
/// order, so the values are the same bit for bit. Adam, Nadam, RMSprop and Adagrad step by it; SGD's two to four
/// passes are left whole. <c>foreach (var block in CacheBlocks.Over(parameters))</c> allocates nothing.
/// </summary>
static class CacheBlocks
{
    /// <summary>Bytes of each buffer per block: five buffers' blocks (Adam's p, grad, m, v and its scratch) fit a 48 KiB L1.</summary>
    const int BlockBytes = 8 << 10;

    /// <summary>Every parameter's blocks, in order: parameter by parameter, a block of <see cref="BlockBytes"/> of each buffer at a time.</summary>
    public static Blocks<T> Over<T>(IReadOnlyList<Parameter<T>> parameters) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(parameters, BlockBytes / Unsafe.SizeOf<T>());

    /// <summary>The blocks of a list of parameters, as a struct enumerator.</summary>
    public struct Blocks<T>(IReadOnlyList<Parameter<T>> parameters, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int _parameter, _start;

        public CacheBlock Current { get; private set; }

        public readonly Blocks<T> GetEnumerator() => this;

        public bool MoveNext()
        {
            for (; _parameter < parameters.Count; (_parameter, _start) = (_parameter + 1, 0))
            {
                var length = parameters[_parameter].Value.Data.Length;
                if (_start < length)
                {
                    Current = new CacheBlock(_parameter, _start, Math.Min(size, length - _start));
                    _start += size;
                    return true;
                }
            }
            return false;
        }
    }
}

/// <summary>Elements [Start, Start + Length) of parameter <see cref="Parameter"/> and of each of its buffers.</summary>
readonly record struct CacheBlock(int Parameter, int Start, int Length)
{
    /// <summary>This block of a buffer, or the buffer itself when the options made it empty (unused).</summary>
    public Span<T> Of<T>(T[] buffer) => buffer.Length == 0 ? buffer : buffer.AsSpan(Start, Length);
}
