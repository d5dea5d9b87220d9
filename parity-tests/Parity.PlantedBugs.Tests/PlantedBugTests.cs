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
        // Only its own explanation: a sentence that also fits another planted mistake does not name the part.
        var others = Catalogue.All.Where(other => other != bug && result.Diagnosis.Any(other.IsDiagnosedBy)).Select(other => other.Name).ToList();
        Assert.True(others.Count == 0, $"{bug.Name} is also explained as {string.Join(", ", others)}; the diagnosis was:\n{diagnosis}");
    }

    /// <summary>
    /// Only the bias gradients wrong, by float32's rounding alone: the least-squares ratio to the right ones is 1 to
    /// within its fit, and "the engine's is 1× that" would say nothing or mislead; no ratio is given.
    /// </summary>
    [Fact]
    public void A_bias_gradient_off_by_rounding_alone_is_given_no_ratio()
    {
        var spec = SpecLoader.Parse(Catalogue.All.Single(b => b.Name == "bias-gradient-averaged").Spec, "bias-gradient-summed-in-float32.yaml");
        var parts = EngineParts<double>.Standard with { Layers = EngineParts<double>.Standard.Layers.With("linear", BiasGradientSummedInFloat32.Create) };

        var result = ParityCheck.Run(spec, (s, initial) => new EngineBackend<double>(s, initial, parts));

        var diagnosis = string.Join("\n", result.Diagnosis);
        Assert.True(result.Diagnosis.Any(line => line.StartsWith("only the bias gradients are wrong (0.bias, 2.bias)", StringComparison.Ordinal)), diagnosis);
        Assert.False(result.Diagnosis.Any(line => line.Contains("× that", StringComparison.Ordinal)), diagnosis);
    }

    /// <summary>The update check compares the optimizer state by name: the first entry that parts is named, with its step.</summary>
    [Fact]
    public void TheFirstOptimizerStateThatPartsIsNamed()
    {
        var bug = Catalogue.All.Single(b => b.Name == "adamw-decay-as-l2");
        var spec = SpecLoader.Parse(bug.Spec, $"{bug.Name}.yaml");

        var result = ParityCheck.Run(spec, (s, initial) => new EngineBackend<double>(s, initial, bug.Parts));

        Assert.Contains(result.Diagnosis, line => line.StartsWith("the optimizer state 0.weight.exp_avg parts from TorchSharp's at step 1 (", StringComparison.Ordinal));
    }
}
