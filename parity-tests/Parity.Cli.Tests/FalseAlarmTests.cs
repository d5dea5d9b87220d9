using System.Text.Json;

namespace Parity.Cli.Tests;

/// <summary>
/// A gate that fails a correct engine gets switched off. The specs that once made <c>parity check</c> fail the
/// built-in engine (parity-tests/false-alarms) pass, with the update check saying it stepped TorchSharp's
/// optimizer on the engine's gradients; and a fixed sample of 200 random specs over the whole catalogue
/// (<c>parity sweep</c>) is checked and trained in lockstep without one failure.
/// </summary>
[Collection(TwinInThisProcessCollection.Name)]
public class FalseAlarmTests
{
    [Fact]
    public void The_specs_of_former_false_alarms_pass_check()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("check", Path.Combine(Cli.RepositoryRoot, "parity-tests", "false-alarms"), "--json", temp["check.json"]);
        Assert.True(exit == 0, output + error);
        Assert.Contains("optimizer steps agree (TorchSharp's optimizer on the engine's gradients)", output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["check.json"]));
        Assert.All(json.RootElement.GetProperty("specs").EnumerateArray(), spec => Assert.Equal("engine", spec.GetProperty("updates").GetProperty("gradients").GetString()));
    }

    [Fact]
    public void Two_hundred_random_specs_raise_no_false_alarm()
    {
        // The seeds RandomSpecsTests proves to cover the whole catalogue.
        var (exit, output, error) = Cli.Run("sweep", "--count", "200", "--seed", "1");
        Assert.True(exit == 0, output + error);
        Assert.Contains("passed 200 random specs (seeds 1 to 200)", output);
    }
}
