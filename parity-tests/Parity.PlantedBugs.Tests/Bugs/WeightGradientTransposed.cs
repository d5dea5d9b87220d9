using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// dW = Xᵀ·dY, the rule for y = x·W with W stored [in, out], written into nn.Linear's [out, in]
/// buffer as it comes: the weight gradient is the right one transposed.
/// </summary>
static class WeightGradientTransposed
{
    public static Module<double> Create(LayerDescription layer) => new LayerWithGradientEdit(layer, (weight, _, input, gradOutput, _) =>
    {
        var gradient = new Matrix<double>(input.Cols, gradOutput.Cols);
        Gemm.Multiply(input, true, gradOutput, false, gradient, accumulate: false);
        gradient.Data.CopyTo(weight.Grad.Data, 0);
    });
}
