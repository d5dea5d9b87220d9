using Parity.Engine;
using Parity.Engine.Modules;
using Parity.Engine.Modules.Images;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Max-pool's backward that finds each window's first maximum right but adds the gradient at that tap of the
/// window with its output row and column swapped, (ow, oh) for (oh, ow) — an index written the wrong way round.
/// The pool's output must be square.
/// </summary>
static class MaxPoolGradientToWrongWindow
{
    public static Module<double> Create(LayerDescription layer)
    {
        var window = Window.Of(layer);
        return new MaxPoolRouted(layer, (position, taps, max) =>
            [((position % window.OutWidth) * window.OutWidth + position / window.OutWidth, Array.IndexOf(taps, max))]);
    }
}
