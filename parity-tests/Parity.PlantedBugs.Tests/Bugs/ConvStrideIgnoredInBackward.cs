using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>The input gradient scattered back as if the stride were 1: the output positions land next to each other instead of stride apart.</summary>
static class ConvStrideIgnoredInBackward
{
    public static Module<double> Create(LayerDescription layer) => new ConvWithInputGradient(layer, window =>
        window with { StrideHeight = 1, StrideWidth = 1 });
}
