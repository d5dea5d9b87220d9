using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// db summed over the batch's rows in float32 in a float64 engine (a float accumulator left over from a float32
/// version): right but for float32's rounding, about 1e-7 of each value, far beyond float64's tolerance.
/// Not in the catalogue: it is wrong by no ratio, and the diagnosis must not give it one.
/// </summary>
static class BiasGradientSummedInFloat32
{
    public static Module<double> Create(LayerDescription layer) => new LayerWithGradientEdit(layer, (_, bias, _, gradOutput, _) =>
    {
        for (var j = 0; j < bias!.Grad.Data.Length; j++)
        {
            var sum = 0f;
            for (var row = 0; row < gradOutput.Rows; row++)
                sum += (float)gradOutput.Data[row * gradOutput.Cols + j];
            bias.Grad.Data[j] = sum;
        }
    });
}
