using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Softmax backward as g·y·(1 − y), the sigmoid's rule: only the diagonal of the Jacobian
/// diag(y) − y·yᵀ, as if each output depended on its own input alone.
/// </summary>
static class SoftmaxDiagonalOnly
{
    public static Module<double> Create() => new ElementwiseBackward(new Softmax<double>(), (x, y, g) => g * y * (1 - y));
}
