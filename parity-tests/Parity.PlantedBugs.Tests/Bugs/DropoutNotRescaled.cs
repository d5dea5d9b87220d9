using Parity.Engine.Modules;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Dropout that applies the mask but forgets to scale the kept values by 1/(1 − p): the engine's dropout with p taken as 0 in the scale.</summary>
static class DropoutNotRescaled
{
    public static Module<double> Create(LayerDescription layer) => new Dropout<double>(layer.Path, 0);
}
