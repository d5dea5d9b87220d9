using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Tanh backward as g·(1 − x²): tanh′ = 1 − y² taken on the input x instead of the output y = tanh x.</summary>
static class TanhDerivativeOfInput
{
    public static Module<double> Create() => new ElementwiseBackward(new Tanh<double>(), (x, y, g) => g * (1 - x * x));
}
