using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Sigmoid backward as g·y: the (1 − y) of σ′ = y·(1 − y) is forgotten.</summary>
static class SigmoidMissingFactor
{
    public static Module<double> Create() => new ElementwiseBackward(new Sigmoid<double>(), (x, y, g) => g * y);
}
