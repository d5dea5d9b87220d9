using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Leaky-ReLU backward copied from ReLU's: the forward leaks slope·x, the backward passes nothing where x ≤ 0.</summary>
static class LeakyReluSlopeForgotten
{
    public static Module<double> Create(LayerDescription layer) =>
        new ElementwiseBackward(new LeakyRelu<double>(layer.Number("negative_slope")), (x, y, g) => x > 0 ? g : 0);
}
