using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>ELU backward as g·(alpha·exp(x) − 1) where x ≤ 0: the forward's formula with the −alpha misremembered, instead of its derivative alpha·exp(x).</summary>
static class EluBackwardExpMinusOne
{
    public static Module<double> Create(LayerDescription layer)
    {
        var alpha = layer.Number("alpha");
        return new ElementwiseBackward(new Elu<double>(alpha), (x, y, g) => x > 0 ? g : g * (alpha * Math.Exp(x) - 1));
    }
}
