using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// The weight gradient of a true convolution (the kernel flipped) where the forward is PyTorch's
/// cross-correlation: dW[o, c, i, j] takes the input at the offsets (kh − 1 − i, kw − 1 − j), so each
/// kernel of the right gradient comes out turned 180°.
/// </summary>
static class ConvKernelGradientTurned
{
    public static Module<double> Create(LayerDescription layer) => new LayerWithGradientEdit(layer, (weight, _, _, _, _) =>
    {
        var taps = weight.Shape[2] * weight.Shape[3];
        for (var start = 0; start < weight.Grad.Data.Length; start += taps)
            weight.Grad.Data.AsSpan(start, taps).Reverse();
    });
}
