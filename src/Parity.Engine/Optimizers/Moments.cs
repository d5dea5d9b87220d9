using System.Numerics;
using System.Numerics.Tensors;

namespace Parity.Engine.Optimizers;

/// <summary>
/// Adam's and NAdam's running moments, as PyTorch updates both: m ← β₁·m + (1 − β₁)·g (lerp_), and
/// v ← β₂·v + ((1 − β₂)·g)·g (mul_, then addcmul_), each product rounded before its sum. The keeps 1 − β are
/// the caller's, rounded from double as PyTorch's Python floats are: 1 − β computed in float32 is another number.
/// </summary>
static class Moments
{
    public static void Update<T>(Span<T> m, Span<T> v, ReadOnlySpan<T> g, Span<T> scratch, (T Beta, T Keep) first, (T Beta, T Keep) second)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Multiply(m, first.Beta, m);
        TensorPrimitives.MultiplyAdd(g, first.Keep, m, m);
        TensorPrimitives.Multiply(v, second.Beta, v);
        TensorPrimitives.Multiply(g, second.Keep, scratch);
        TensorPrimitives.MultiplyAdd(scratch, g, v, v);
    }
}
