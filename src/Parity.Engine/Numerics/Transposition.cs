using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Parity.Engine.Numerics;

/// <summary>
/// Row-major blocks transposed in registers, for the products that take an operand or a result the other
/// way round: the packed kernel's panels and its C made transposed, and a convolution's output made as
/// [positions, channels] and stored as the image's [channels, positions].
/// </summary>
public static unsafe class Transposition
{
    /// <summary>Target [cols, rows] (rows <paramref name="targetStride"/> apart) = source [rows, cols]ᵀ (rows <paramref name="sourceStride"/> apart), a square of vectors at a time.</summary>
    public static void Transpose<T>(T* source, long sourceStride, int rows, int cols, T* target, long targetStride) where T : unmanaged
    {
        var square = Vector256<T>.Count;
        // Without AVX (the runtime told not to use it), every value goes one at a time.
        var (squareRows, squareCols) = Avx.IsSupported ? (rows / square * square, cols / square * square) : (0, 0);
        for (var i = 0; i < squareRows; i += square)
            for (var j = 0; j < squareCols; j += square)
                Square(source + i * sourceStride + j, sourceStride, target + j * targetStride + i, (int)targetStride);
        for (var i = 0; i < rows; i++)
            for (var j = i < squareRows ? squareCols : 0; j < cols; j++)
                target[j * targetStride + i] = source[i * sourceStride + j];
    }

    /// <summary>
    /// A square of 256-bit vectors (8 × 8 float32, 4 × 4 float64) transposed in registers: vector i of the
    /// source, read at source + i·across, becomes element i of each vector written at target + q·stride.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Square<T>(T* source, long across, T* target, int stride) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var s = (float*)source;
            var t = (float*)target;
            Vector256<float> v0 = Avx.LoadVector256(s), v1 = Avx.LoadVector256(s + across), v2 = Avx.LoadVector256(s + 2 * across), v3 = Avx.LoadVector256(s + 3 * across),
                v4 = Avx.LoadVector256(s + 4 * across), v5 = Avx.LoadVector256(s + 5 * across), v6 = Avx.LoadVector256(s + 6 * across), v7 = Avx.LoadVector256(s + 7 * across);
            // Pairs interleaved, then quadruples, within each 128-bit half; then the halves exchanged.
            Vector256<float> a0 = Avx.UnpackLow(v0, v1), a1 = Avx.UnpackHigh(v0, v1), a2 = Avx.UnpackLow(v2, v3), a3 = Avx.UnpackHigh(v2, v3),
                a4 = Avx.UnpackLow(v4, v5), a5 = Avx.UnpackHigh(v4, v5), a6 = Avx.UnpackLow(v6, v7), a7 = Avx.UnpackHigh(v6, v7);
            Vector256<float> b0 = Avx.Shuffle(a0, a2, 0x44), b1 = Avx.Shuffle(a0, a2, 0xEE), b2 = Avx.Shuffle(a1, a3, 0x44), b3 = Avx.Shuffle(a1, a3, 0xEE),
                b4 = Avx.Shuffle(a4, a6, 0x44), b5 = Avx.Shuffle(a4, a6, 0xEE), b6 = Avx.Shuffle(a5, a7, 0x44), b7 = Avx.Shuffle(a5, a7, 0xEE);
            Avx.Store(t, Avx.Permute2x128(b0, b4, 0x20));
            Avx.Store(t + stride, Avx.Permute2x128(b1, b5, 0x20));
            Avx.Store(t + 2 * stride, Avx.Permute2x128(b2, b6, 0x20));
            Avx.Store(t + 3 * stride, Avx.Permute2x128(b3, b7, 0x20));
            Avx.Store(t + 4 * stride, Avx.Permute2x128(b0, b4, 0x31));
            Avx.Store(t + 5 * stride, Avx.Permute2x128(b1, b5, 0x31));
            Avx.Store(t + 6 * stride, Avx.Permute2x128(b2, b6, 0x31));
            Avx.Store(t + 7 * stride, Avx.Permute2x128(b3, b7, 0x31));
        }
        else
        {
            var s = (double*)source;
            var t = (double*)target;
            Vector256<double> v0 = Avx.LoadVector256(s), v1 = Avx.LoadVector256(s + across), v2 = Avx.LoadVector256(s + 2 * across), v3 = Avx.LoadVector256(s + 3 * across);
            Vector256<double> a0 = Avx.UnpackLow(v0, v1), a1 = Avx.UnpackHigh(v0, v1), a2 = Avx.UnpackLow(v2, v3), a3 = Avx.UnpackHigh(v2, v3);
            Avx.Store(t, Avx.Permute2x128(a0, a2, 0x20));
            Avx.Store(t + stride, Avx.Permute2x128(a1, a3, 0x20));
            Avx.Store(t + 2 * stride, Avx.Permute2x128(a0, a2, 0x31));
            Avx.Store(t + 3 * stride, Avx.Permute2x128(a1, a3, 0x31));
        }
    }
}
