using Parity.Harness.Checks;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;
using Parity.Torch.Twin;

namespace Parity.PlantedBugs.Tests;

/// <summary>Runs <c>parity check</c>'s checks on one spec, with the given engine against the TorchSharp twin.</summary>
static class ParityCheck
{
    public static CheckResult Run(ParitySpec spec, BackendFactory engine)
    {
        var runner = new CheckRunner(engine, Twin);
        return runner.Run(spec, DatasetLoader.Load(spec), Initial(spec));
    }

    public static IBackend Twin(ModelDescription model, IReadOnlyList<HostTensor> parameters) => new TwinBackend(model, parameters);

    /// <summary>The initial parameters both engines start from, as <c>parity check</c> makes them.</summary>
    public static IReadOnlyList<HostTensor> Initial(ParitySpec spec) =>
        spec.Init.Kind == InitKind.Torch ? TorchInitialParameters.Create(ModelDescriptions.Describe(spec)) : InitialParameters.Create(spec);
}
