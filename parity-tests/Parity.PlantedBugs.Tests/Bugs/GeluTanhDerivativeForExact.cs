using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Exact GELU forward, but the backward differentiates the tanh approximation
/// ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) copied from a blog: close, never equal, to Φ(x) + x·φ(x).
/// </summary>
static class GeluTanhDerivativeForExact
{
    public static Module<double> Create() => new ElementwiseBackward(new Gelu<double>(tanh: false), (x, y, g) =>
    {
        var k = Math.Sqrt(2 / Math.PI);
        var t = Math.Tanh(k * (x + 0.044715 * x * x * x));
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x));
    });
}
