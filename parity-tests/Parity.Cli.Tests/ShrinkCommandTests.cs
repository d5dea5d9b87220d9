namespace Parity.Cli.Tests;

/// <summary>
/// <c>parity shrink</c>'s refusals: each one message and exit 2, before or instead of any search. Shrinking a
/// failing engine is tested on planted bugs (Parity.PlantedBugs.Tests) and on the C# example (Parity.Examples.Tests).
/// </summary>
[Collection(TwinInThisProcessCollection.Name)]
public class ShrinkCommandTests
{
    [Fact]
    public void A_spec_the_engine_passes_is_bad_input_with_what_to_do()
    {
        using var folder = new TempFolder();

        var (exit, _, error) = Cli.Run("shrink", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--out", folder["shrunk"]);

        Assert.Equal(ParityCommandLine.BadInput, exit);
        Assert.Contains("the engine passes every check on this spec, so there is no failure to shrink; run parity shrink on a spec that parity check fails", error);
        Assert.False(Directory.Exists(folder["shrunk"]));
    }

    [Theory]
    [InlineData("--max-tries", "0", "--max-tries takes a whole number from 1 to 100000, e.g. 200")]
    [InlineData("--max-seconds", "-1", "--max-seconds takes seconds greater than 0, up to 86400, e.g. 120")]
    public void A_budget_out_of_range_is_refused(string option, string value, string message)
    {
        var (exit, _, error) = Cli.Run("shrink", Cli.BuiltInSpec("xor-tanh-bce.yaml"), option, value);

        Assert.Equal(ParityCommandLine.BadInput, exit);
        Assert.Contains(message, error);
    }

    [Fact]
    public void An_out_folder_under_a_missing_parent_is_refused_before_shrinking()
    {
        using var folder = new TempFolder();

        var (exit, output, error) = Cli.Run("shrink", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--out", Path.Combine(folder["missing"], "shrunk"));

        Assert.Equal(ParityCommandLine.BadInput, exit);
        Assert.Contains("the folder", error);
        Assert.Contains("does not exist; create it first", error);
        Assert.Equal("", output);
    }
}
