using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>ReLU backward with the mask the wrong way round: the gradient passes where the unit is off and stops where it is on.</summary>
static class ReluMaskInverted
{
    public static Module<double> Create() => new ElementwiseBackward(new Relu<double>(), (x, y, g) => y > 0 ? 0 : g);
}
