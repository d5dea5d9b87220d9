using System.Numerics;
using System.Numerics.Tensors;

namespace Parity.Engine.Optimizers;

/// <summary>
/// Weight decay as PyTorch's SGD, Adam, NAdam, RMSprop and Adagrad apply it: an L2 term added to the gradient,
/// g ← grad + wd·p, written to <paramref name="direction"/> so that the gradient stays as backward made it.
/// </summary>
static class L2Decay
{
    public static ReadOnlySpan<T> Apply<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> grad, double weightDecay, Span<T> direction)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (weightDecay == 0)
            return grad;
        TensorPrimitives.MultiplyAdd(p, T.CreateChecked(weightDecay), grad, direction);
        return direction;
    }
}
