using System.Numerics;
using System.Runtime.InteropServices;

namespace Parity.Engine.Numerics;

/// <summary>
/// The piecewise-linear activations' one kernel, vectorised: keep a value where a sign source is
/// positive, else scale it by a slope. TensorPrimitives has no elementwise select, so this one is
/// written with <see cref="Vector{T}"/>.
/// </summary>
public static class BySign
{
    /// <summary>
    /// destination[i] = sign[i] &gt; 0 ? values[i] : slope·values[i]. A zero slope gives exactly 0
    /// (ReLU's threshold_backward), even where values[i] is infinite or NaN.
    /// </summary>
    public static void Select<T>(ReadOnlySpan<T> sign, ReadOnlySpan<T> values, T slope, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (sign.Length != values.Length || destination.Length != values.Length)
            throw new ArgumentException($"lengths differ: sign {sign.Length}, values {values.Length}, destination {destination.Length}");
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var (zero, scale) = (Vector<T>.Zero, new Vector<T>(slope));
            ref var s = ref MemoryMarshal.GetReference(sign);
            ref var v = ref MemoryMarshal.GetReference(values);
            ref var d = ref MemoryMarshal.GetReference(destination);
            var last = values.Length - Vector<T>.Count;
            if (slope == T.Zero)
                for (; i <= last; i += Vector<T>.Count)
                    (Vector.LoadUnsafe(ref v, (nuint)i) & Vector.GreaterThan(Vector.LoadUnsafe(ref s, (nuint)i), zero)).StoreUnsafe(ref d, (nuint)i);
            else
                for (; i <= last; i += Vector<T>.Count)
                {
                    var value = Vector.LoadUnsafe(ref v, (nuint)i);
                    Vector.ConditionalSelect(Vector.GreaterThan(Vector.LoadUnsafe(ref s, (nuint)i), zero), value, value * scale).StoreUnsafe(ref d, (nuint)i);
                }
        }
        for (; i < values.Length; i++)
            destination[i] = sign[i] > T.Zero ? values[i] : slope == T.Zero ? T.Zero : values[i] * slope;
    }
}
