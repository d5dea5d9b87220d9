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
        var initial = spec.Init.Kind == InitKind.Torch ? TorchInitialParameters.Create(ModelDescriptions.Describe(spec)) : InitialParameters.Create(spec);
        var runner = new CheckRunner(engine, (s, parameters) => new TwinBackend(s, parameters));
        return runner.Run(spec, DatasetLoader.Load(spec), initial);
    }

    public static string RepositoryRoot { get; } = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Parity.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Parity.sln not found above " + AppContext.BaseDirectory);
    }
}
