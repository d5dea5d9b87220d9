using System.Text.Json;

namespace Parity.Cli.Tests;

[Collection(TwinInThisProcessCollection.Name)]
public class TrainCommandTests
{
    // A spec no other test uses, written as a user would from the README.
    const string UnseenSpec = """
        name: unseen-leaky-sum
        seed: 12345
        dtype: float32
        data: {source: disk, train: 400, test: 200, validation: 0.25}
        model:
          - linear: {out: 16, bias: true}
          - leaky-relu: {slope: 0.05}
          - linear: 1
        init: xavier-uniform
        loss: {kind: bce-with-logits, reduction: sum}
        optimizer:
          sgd: {lr: 0.005, momentum: 0.8, dampening: 0.1, weight_decay: 0.0001}
        schedule: {step: {size: 15, gamma: 0.5}}
        clip: {value: 2.0}
        train: {epochs: 40, batch: 32}
        expect: {test_accuracy: 0.8}
        """;

    [Fact]
    public void An_unseen_spec_trains_and_writes_the_json_contract()
    {
        using var temp = new TempFolder();
        var spec = temp.File("unseen.yaml", UnseenSpec);
        var (exit, output, error) = Cli.Run("train", spec, "--side", "engine", "--json", temp["out.json"]);

        Assert.True(exit == 0, error + output);
        Assert.Contains("passed unseen-leaky-sum", output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["out.json"]));
        Assert.True(json.RootElement.GetProperty("passed").GetBoolean());
        var result = json.RootElement.GetProperty("specs")[0];
        Assert.Equal("unseen-leaky-sum", result.GetProperty("spec").GetString());
        Assert.Equal("float32", result.GetProperty("dtype").GetString());
        var epochs = result.GetProperty("epochs");
        Assert.Equal(40, epochs.GetArrayLength());
        var last = epochs[39].GetProperty("engine");
        Assert.True(last.GetProperty("test_accuracy").GetDouble() >= 0.8);
        Assert.True(last.GetProperty("validation_loss").GetDouble() > 0);
        Assert.True(last.GetProperty("train_loss").GetDouble() < epochs[0].GetProperty("engine").GetProperty("train_loss").GetDouble());
        Assert.Equal(JsonValueKind.Null, epochs[0].GetProperty("twin").ValueKind);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("first_divergence").ValueKind);
    }

    [Fact]
    public void Engine_and_twin_train_an_unseen_float64_spec_to_the_same_curve()
    {
        using var temp = new TempFolder();
        var spec = temp.File("unseen.yaml", UnseenSpec.Replace("dtype: float32", "dtype: float64"));
        var (exit, output, error) = Cli.Run("train", spec, "--json", temp["out.json"]);

        Assert.True(exit == 0, error + output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["out.json"]));
        var result = json.RootElement.GetProperty("specs")[0];
        Assert.InRange(result.GetProperty("max_loss_diff").GetDouble(), 0, 1e-9);
        var last = result.GetProperty("epochs")[39];
        Assert.Equal(last.GetProperty("engine").GetProperty("test_accuracy").GetDouble(), last.GetProperty("twin").GetProperty("test_accuracy").GetDouble());
    }

    [Fact]
    public void The_disk_task_reaches_its_expected_accuracy()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("train", Cli.BuiltInSpec("disk-relu-mse.yaml"), "--json", temp["out.json"]);

        Assert.True(exit == 0, error + output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["out.json"]));
        var epochs = json.RootElement.GetProperty("specs")[0].GetProperty("epochs");
        Assert.True(epochs[epochs.GetArrayLength() - 1].GetProperty("engine").GetProperty("test_accuracy").GetDouble() >= 0.95);
    }

    [Fact]
    public void A_missed_expectation_exits_1_and_says_which()
    {
        using var temp = new TempFolder();
        var spec = temp.File("short.yaml", UnseenSpec.Replace("epochs: 40", "epochs: 1").Replace("test_accuracy: 0.8", "test_accuracy: 0.999"));
        var (exit, output, _) = Cli.Run("train", spec);

        Assert.Equal(1, exit);
        Assert.Contains("failed unseen-leaky-sum: engine: test accuracy", output);
        Assert.Contains("; reference: test accuracy", output);
        Assert.Contains("< expected 0.999", output);
    }

    [Fact]
    public void The_reference_trained_alone_is_called_the_reference()
    {
        var (exit, output, error) = Cli.Run("train", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--side", "reference");

        Assert.True(exit == 0, error + output);
        Assert.Contains("verdict: reference alone: trained as expected", output);
        Assert.DoesNotContain("twin", output);
    }

    [Fact]
    public void Training_twice_gives_bitwise_identical_results()
    {
        using var temp = new TempFolder();
        var spec = temp.File("unseen.yaml", UnseenSpec);
        Cli.Run("train", spec, "--json", temp["a.json"]);
        Cli.Run("train", spec, "--json", temp["b.json"]);

        Assert.Equal(File.ReadAllText(temp["a.json"]), File.ReadAllText(temp["b.json"]));
    }

    const string ValidTail = "seed: 1\ndata: {source: disk, train: 10}\nloss: mse\noptimizer: {sgd: {lr: 0.1}}\ntrain: {epochs: 1, batch: 5}\n";

    [Theory]
    [InlineData("name: bad\nmodel:\n  - linear: 1\n  - reul\n" + ValidTail, "spec.yaml:4:5: 'model[1]' cannot be 'reul'; did you mean 'relu'?")]
    [InlineData("name: bad\nmodel: [{linear: 1}]\noptimiser: {}\n" + ValidTail, "spec.yaml:3:1: unknown key 'optimiser' in the spec; did you mean 'optimizer'?")]
    public void A_bad_spec_exits_2_with_one_message_and_writes_nothing(string yaml, string expected)
    {
        using var temp = new TempFolder();
        var spec = temp.File("spec.yaml", yaml);
        var (exit, output, error) = Cli.Run("train", spec, "--json", temp["out.json"]);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(expected, error.Replace(temp.Path + "/", ""));
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain(" at ", error);
        Assert.False(File.Exists(temp["out.json"]));
    }

    [Theory]
    [InlineData("no such spec file", "train", "no-such-spec.yaml")]
    [InlineData("Unrecognized command or argument '--bogus'", "train", "x.yaml", "--bogus")]
    [InlineData("Unrecognized command or argument 'trian'", "trian", "x.yaml")]
    [InlineData("Argument 'torch' not recognized", "train", "x.yaml", "--side", "torch")]
    [InlineData("--engine-timeout takes seconds greater than 0, up to 86400", "check", "x.yaml", "--engine-timeout", "0")]
    [InlineData("--seeds takes a whole number from 1 to 1000", "train", "x.yaml", "--seeds", "two")]
    [InlineData("--seeds takes a whole number from 1 to 1000", "train", "x.yaml", "--seeds", "0")]
    [InlineData("--margin takes a number between 0 and 1", "train", "x.yaml", "--margin", "wide")]
    [InlineData("--factor takes a number of at least 1", "check", "x.yaml", "--baseline", "b.json", "--factor", "ten")]
    public void Bad_arguments_exit_2(string expected, params string[] args)
    {
        var (exit, _, error) = Cli.Run(args);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_json_path_in_a_missing_folder_is_refused_before_training()
    {
        var (exit, output, error) = Cli.Run("train", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--json", "/no/such/folder/out.json");

        Assert.Equal(2, exit);
        Assert.Contains("the folder /no/such/folder does not exist", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void The_results_table_replaces_only_the_marked_lines_of_a_readme()
    {
        using var temp = new TempFolder();
        var readme = temp.File("README.md", "# Title\nProse naming `<!-- parity:train:begin -->` stays.\n<!-- parity:train:begin -->\nold table\n<!-- parity:train:end -->\nAfter.\n");
        var (exit, output, error) = Cli.Run("train", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--readme", readme);

        Assert.True(exit == 0, error + output);
        var lines = File.ReadAllLines(readme);
        Assert.Equal("Prose naming `<!-- parity:train:begin -->` stays.", lines[1]);
        Assert.DoesNotContain("old table", lines);
        Assert.StartsWith("| `xor-tanh-bce` | XOR solved | 1.0000 test accuracy | 1.0000 test accuracy |", lines[5]);
        Assert.Equal(["<!-- parity:train:end -->", "After."], lines[^2..]);
    }

    [Fact]
    public void A_readme_without_the_markers_is_refused_before_training()
    {
        using var temp = new TempFolder();
        var readme = temp.File("README.md", "# No markers here\n");
        var (exit, output, error) = Cli.Run("train", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--readme", readme);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("add the lines <!-- parity:train:begin --> and <!-- parity:train:end -->", error);
        Assert.Equal("# No markers here\n", File.ReadAllText(readme));
    }

    [Fact]
    public void Seeds_report_equivalence_statistics_for_both_engines()
    {
        using var temp = new TempFolder();
        var spec = temp.File("unseen.yaml", UnseenSpec.Replace("dtype: float32", "dtype: float64").Replace("epochs: 40", "epochs: 5").Replace("expect: {test_accuracy: 0.8}", ""));
        var (exit, output, error) = Cli.Run("train", spec, "--seeds", "3", "--json", temp["out.json"]);

        Assert.True(exit == 0, error + output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["out.json"]));
        var seeds = json.RootElement.GetProperty("specs")[0].GetProperty("seeds");
        Assert.Equal(3, seeds.GetProperty("count").GetInt32());
        Assert.Equal([12345L, 12346L, 12347L], seeds.GetProperty("seed_values").EnumerateArray().Select(v => v.GetInt64()).ToArray());
        var accuracy = seeds.GetProperty("test_accuracy");
        Assert.Equal(accuracy.GetProperty("engine").GetProperty("mean").GetDouble(), accuracy.GetProperty("twin").GetProperty("mean").GetDouble(), 1e-12);
        Assert.True(accuracy.GetProperty("engine").GetProperty("ci_low").GetDouble() <= accuracy.GetProperty("engine").GetProperty("mean").GetDouble());
        Assert.True(accuracy.GetProperty("equivalence").GetProperty("equivalent").GetBoolean());
        Assert.Equal(0.01, accuracy.GetProperty("equivalence").GetProperty("margin").GetDouble());
        Assert.Contains("test accuracy", output);
    }
}
