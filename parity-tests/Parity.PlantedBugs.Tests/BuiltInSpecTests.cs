using Parity.Engine;
using Parity.Spec;

namespace Parity.PlantedBugs.Tests;

/// <summary>The other half of the catalogue's promise: the correct engine raises no false alarm on the built-in suite.</summary>
public class BuiltInSpecTests
{
    static readonly string Folder = Path.Combine(ParityCheck.RepositoryRoot, "parity-tests", "specs");

    public static TheoryData<string> Specs => new(Directory.EnumerateFiles(Folder, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Specs))]
    public void TheStandardEnginePassesEveryBuiltInSpec(string file)
    {
        var spec = SpecLoader.Load(Path.Combine(Folder, file));

        var result = ParityCheck.Run(spec, EngineBackend.Create);

        Assert.True(result.Passed && result.Diagnosis.Count == 0, $"{file}: false alarm:\n{string.Join("\n", result.Diagnosis)}");
    }
}
