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
        var (exit, output, error) = Cli.Run("check", Path.Combine(Repository.Root, "parity-tests", "false-alarms"), "--json", temp["check.json"]);
        Assert.True(exit == 0, output + error);
        Assert.Contains("optimizer steps agree (TorchSharp's optimizer on the engine's gradients)", output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["check.json"]));
        Assert.All(json.RootElement.GetProperty("specs").EnumerateArray(), spec => Assert.Equal("engine", spec.GetProperty("updates").GetProperty("gradients").GetString()));
    }

    /// <summary>
    /// Specs of larger sweeps that once failed the built-in engine in lockstep training, kept as files (the generator's
    /// draws change as the catalogue grows): Adagrad's steps of either sign on a ReLU fed a batch-norm channel with no
    /// variance (sweep-70216, sweep-50726) or on a float32 BCE gradient whose sign rounding decides (sweep-90080), and BCE's
    /// float EPSILON on a saturated sigmoid (sweep-71368). The check of each is <see cref="The_specs_of_former_false_alarms_pass_check"/>.
    /// </summary>
    [Fact]
    public void The_specs_of_former_false_alarms_train_in_lockstep_up_to_rounding()
    {
        var (exit, output, error) = Cli.Run("train", Path.Combine(Repository.Root, "parity-tests", "false-alarms"));
        Assert.True(exit == 0, output + error);
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
