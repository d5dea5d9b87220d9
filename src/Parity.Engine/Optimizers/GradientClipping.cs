using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Modules;

namespace Parity.Engine.Optimizers;

/// <summary>torch.nn.utils.clip_grad_norm_ (one global 2-norm over all gradients) and clip_grad_value_.</summary>
public static class GradientClipping
{
    /// <summary>Returns the gradients' total 2-norm before clipping, as clip_grad_norm_ does.</summary>
    // total = ‖(‖g₁‖, ‖g₂‖, …)‖₂;  g ← g·min(1, max / (total + 1e-6))
    public static double ByNorm<T>(IReadOnlyList<Parameter<T>> parameters, double maxNorm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // On the stack and in index loops: clipping runs every step, and must allocate nothing.
        Span<T> norms = parameters.Count <= 256 ? stackalloc T[parameters.Count] : new T[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
            norms[i] = TensorPrimitives.Norm<T>(parameters[i].Grad.Data);
        var total = TensorPrimitives.Norm<T>(norms);
        var coefficient = T.CreateChecked(maxNorm) / (total + T.CreateChecked(1e-6));
        if (coefficient < T.One)
            for (var i = 0; i < parameters.Count; i++)
                TensorPrimitives.Multiply(parameters[i].Grad.Data, coefficient, parameters[i].Grad.Data);
        return double.CreateChecked(total);
    }

    public static void ByValue<T>(IReadOnlyList<Parameter<T>> parameters, double limit) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bound = T.CreateChecked(limit);
        for (var i = 0; i < parameters.Count; i++)
            TensorPrimitives.Clamp(parameters[i].Grad.Data, -bound, bound, parameters[i].Grad.Data);
    }
}
