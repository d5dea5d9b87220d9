using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>The input gradient scattered back with one pixel less padding than the forward used: every position lands one row and one column too far.</summary>
static class ConvPaddingOffByOne
{
    public static Module<double> Create(LayerDescription layer) => new ConvWithInputGradient(layer, window =>
        window with { PaddingHeight = window.PaddingHeight - 1, PaddingWidth = window.PaddingWidth - 1 });
}
