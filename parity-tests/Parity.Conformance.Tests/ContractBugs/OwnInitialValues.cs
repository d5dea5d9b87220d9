using Parity.Engine;

namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>An engine that draws its own initial weights instead of taking the ones it is handed: it starts where TorchSharp does not.</summary>
static class OwnInitialValues
{
    public static IBackend Create(ModelDescription model, IReadOnlyList<HostTensor> initial)
    {
        var random = new Random(42);
        return EngineBackend.Create(model, [.. initial.Select(p => p with { Data = [.. p.Data.Select(_ => random.NextDouble() - 0.5)] })]);
    }
}
