using Parity.Engine;
using Parity.PlantedBugs.Tests.Bugs;
using Parity.Spec;

namespace Parity.PlantedBugs.Tests;

public class PlantedBugTests
{
    public static TheoryData<string> Bugs => new(Catalogue.All.Select(b => b.Name));

    [Theory]
    [MemberData(nameof(Bugs))]
    public void EachPlantedBugFailsTheCheckWithItsDiagnosis(string name)
    {
        var bug = Catalogue.All.Single(b => b.Name == name);
        var spec = SpecLoader.Parse(bug.Spec, $"{bug.Name}.yaml");

        var result = ParityCheck.Run(spec, (s, initial) => new EngineBackend<double>(s, initial, bug.Parts));

        var diagnosis = string.Join("\n", result.Diagnosis.Select(line => "  " + line));
        Assert.False(result.Passed, $"{bug.Name} passed the check; diagnosis:\n{diagnosis}");
        Assert.True(result.Diagnosis.Any(bug.IsDiagnosedBy),
            $"{bug.Name}: no diagnosis line contains \"{bug.Diagnosis}\"; the diagnosis was:\n{diagnosis}");
    }
}
