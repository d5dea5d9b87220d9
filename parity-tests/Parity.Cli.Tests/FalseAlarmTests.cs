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

    /// <summary>
    /// Seeds of larger sweeps that once failed the built-in engine, each for its own root cause: Adagrad's steps of either
    /// sign on a ReLU fed a batch-norm channel with no variance (70216, 50726) or on a float32 BCE gradient whose sign rounding
    /// decides (90080) in lockstep; BCE's float EPSILON (40564, 61619, 71368); tanh judged against its own noise after such a
    /// channel (70806); the vectorized tanh(0) ≠ 0 (71470); a weight gradient whose rows a batch norm of 2 rows cancels,
    /// judged against random signs that cancel alike (141154); and earlier ones (61601 smooth-l1 with sum).
    /// </summary>
    [Theory]
    [InlineData(70216)]
    [InlineData(50726)]
    [InlineData(90080)]
    [InlineData(40564)]
    [InlineData(61619)]
    [InlineData(71368)]
    [InlineData(70806)]
    [InlineData(71470)]
    [InlineData(141154)]
    [InlineData(61601)]
    public void A_former_false_alarm_of_a_larger_sweep_passes(long seed)
    {
        var (exit, output, error) = Cli.Run("sweep", "--count", "1", "--seed", $"{seed}");
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
