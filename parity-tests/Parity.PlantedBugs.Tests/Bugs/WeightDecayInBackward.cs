using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// L2 regularisation folded into the layer's backward: dW gets wd·W added whatever dL/dY is. The weight
/// gradient differs in the normal check as any wrong dW would; only backward linearity names the term
/// that does not scale with the upstream gradient (a zero dL/dY still gives wd·W).
/// </summary>
static class WeightDecayInBackward
{
    const double Decay = 0.01;

    public static Module<double> Create(LayerDescription layer) => new LayerWithGradientEdit(layer, (weight, _, _, _, _) =>
    {
        for (var i = 0; i < weight.Grad.Data.Length; i++)
            weight.Grad.Data[i] += Decay * weight.Value.Data[i];
    });
}
