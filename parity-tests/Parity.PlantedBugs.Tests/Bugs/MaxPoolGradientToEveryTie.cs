using Parity.Engine;
using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Max-pool's backward as "the gradient goes where the input equals the maximum": each window's
/// gradient reaches every position tied with its maximum (the zeros after a ReLU, a blank background),
/// where PyTorch sends it to the first maximum only.
/// </summary>
static class MaxPoolGradientToEveryTie
{
    public static Module<double> Create(LayerDescription layer) =>
        new MaxPoolRouted(layer, (position, taps, max) => Enumerable.Range(0, taps.Length).Where(k => taps[k] == max).Select(k => (position, k)));
}
