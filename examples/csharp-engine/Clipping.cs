using Parity.Contract;

namespace CSharpEngine;

/// <summary>clip_grad_norm_ (one 2-norm over every gradient, scaled by max/(total + 1e-6) when that is below 1) and clip_grad_value_.</summary>
static class Clipping
{
    public static Action<IReadOnlyList<Parameter>> For(Described clip) => clip.Kind switch
    {
        "norm" => parameters =>
        {
            var total = Math.Sqrt(parameters.Sum(p => p.Grad.Sum(g => g * g)));
            var factor = clip.Number("max_norm") / (total + 1e-6);
            if (factor < 1)
                foreach (var p in parameters)
                    for (var i = 0; i < p.Grad.Length; i++)
                        p.Grad[i] *= factor;
        },
        "value" => parameters =>
        {
            var limit = clip.Number("clip_value");
            foreach (var p in parameters)
                for (var i = 0; i < p.Grad.Length; i++)
                    p.Grad[i] = Math.Clamp(p.Grad[i], -limit, limit);
        },
        _ => throw new NotSupportedException($"the C# example has no gradient clipping '{clip.Kind}'"),
    };
}
