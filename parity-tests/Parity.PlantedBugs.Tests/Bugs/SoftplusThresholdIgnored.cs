using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Softplus backward as g·σ(β·x) everywhere: the forward switches to x above the threshold, as PyTorch's does, but the backward forgets that there it passes g unchanged.</summary>
static class SoftplusThresholdIgnored
{
    public static Module<double> Create(LayerDescription layer)
    {
        var beta = layer.Number("beta");
        return new ElementwiseBackward(new Softplus<double>(beta, layer.Number("threshold")), (x, y, g) => g / (1 + Math.Exp(-beta * x)));
    }
}
