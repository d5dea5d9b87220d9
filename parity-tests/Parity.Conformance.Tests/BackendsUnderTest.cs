using Parity.Engine;
using Parity.Torch.Twin;

namespace Parity.Conformance.Tests;

/// <summary>Parity's own backends, by name, as the factories an engine author hands the kit.</summary>
static class BackendsUnderTest
{
    public static readonly Dictionary<string, BackendFactory> ByName = new()
    {
        ["engine"] = EngineBackend.Create,
        ["twin"] = (model, initial) => new TwinBackend(model, initial),
    };
}
