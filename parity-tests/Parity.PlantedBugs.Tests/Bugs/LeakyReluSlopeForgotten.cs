using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;
using Parity.Spec;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Leaky-ReLU backward copied from ReLU's: the forward leaks slope·x, the backward passes nothing where x ≤ 0.</summary>
static class LeakyReluSlopeForgotten
{
    public static Module<double> Create(ActivationLayer layer) =>
        new ElementwiseBackward(new LeakyRelu<double>(layer.Slope), (x, y, g) => x > 0 ? g : 0);
}
