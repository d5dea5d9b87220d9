using Parity.Engine;
using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Max-pool's backward finding the window's maximum with ≥ instead of >: on a tie (the zeros after a ReLU) the
/// gradient goes to the last maximal position, where PyTorch sends it to the first.
/// </summary>
static class MaxPoolGradientToLastTie
{
    public static Module<double> Create(LayerDescription layer) =>
        new MaxPoolRouted(layer, (position, taps, max) => [(position, Array.FindLastIndex(taps, v => v >= max))]);
}
