using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Parity.Cli.Output;
using Parity.Cli.Reports;
using Parity.Cli.Sharding;
using Parity.Spec;

namespace Parity.Cli.Tests;

/// <summary>
/// A small folder of three specs (xor, disk, quadratic) reported once whole and once as three shards:
/// the runs the merge tests compare, made once for the class.
/// </summary>
public sealed class ShardedRuns : IDisposable
{
    public static readonly string[] Specs =
    [
        ReportAndBaselineTests.Spec.Replace("name: unseen-report", "name: shard-xor"),
        """
        name: shard-disk
        seed: 7
        data: {source: disk, train: 200, test: 100}
        model: [linear: 8, relu, linear: 2]
        loss: cross-entropy
        optimizer: {sgd: {lr: 0.1}}
        train: {epochs: 4, batch: 50}
        """,
        """
        name: shard-quadratic
        seed: 43
        data: {source: quadratic, train: 100, test: 100}
        model: [linear: 6, tanh, linear: 1]
        loss: mse
        optimizer: {adam: {lr: 0.01}}
        train: {epochs: 3, batch: 25}
        """,
    ];

    public TempFolder Temp { get; } = new();

    public string Folder => Temp["specs"];

    public string Whole => Temp["whole"];

    public string Part(int i) => Temp[$"part-{i}"];

    public ShardedRuns()
    {
        Directory.CreateDirectory(Folder);
        foreach (var spec in Specs)
            File.WriteAllText(Path.Combine(Folder, SpecLoader.Parse(spec, "spec.yaml").Name + ".yaml"), spec);
        Report(Whole);
        for (var i = 1; i <= 3; i++)
            Report(Part(i), "--shard", $"{i}/3");
    }

    void Report(string output, params string[] shard)
    {
        var (exit, printed, error) = Cli.Run(["report", Folder, "--out", output, .. shard]);
        Assert.True(exit == 0, error + printed);
    }

    public void Dispose() => Temp.Dispose();
}

[Collection(TwinInThisProcessCollection.Name)]
public class ShardTests(ShardedRuns runs) : IClassFixture<ShardedRuns>
{
    [Fact]
    public void Every_report_lands_in_exactly_one_shard_whatever_the_count()
    {
        var specs = Directory.GetFiles(Path.Combine(Repository.Root, "parity-tests", "specs"), "*.yaml").Select(SpecLoader.Load).ToList();
        var costs = SpecCosts.Of(specs.Select(s => (s.Name, s)).ToList(), SpecCosts.Measured(Path.Combine(Repository.Root, "parity-tests", "specs")));
        for (var n = 1; n <= 8; n++)
        {
            var parts = Shard.Partition(costs, n);
            Assert.Equal(n, parts.Count);
            Assert.Equal(costs.Keys.Order(StringComparer.Ordinal), parts.SelectMany(p => p).Order(StringComparer.Ordinal));
            Assert.Equal(parts, Shard.Partition(costs.Reverse().ToDictionary(), n));
            // Balanced as LPT promises: no part exceeds another by more than the costliest report.
            var loads = parts.Select(p => p.Sum(name => costs[name])).ToList();
            Assert.True(loads.Max() - loads.Min() <= costs.Values.Max() + 1e-9, $"{n} shards: loads {string.Join(", ", loads)}");
        }
    }

    [Fact]
    public void Shards_take_the_costliest_first_onto_the_least_loaded_not_names_in_turn()
    {
        var costs = new Dictionary<string, double> { ["a"] = 9, ["b"] = 5, ["c"] = 4, ["d"] = 3, ["e"] = 1, ["f"] = 1 };

        // a → 1 (9); b → 2 (5); c → 2 (9); d → 1, the tie to the lower (12); e → 2 (10); f, tied with e by cost and after it by name → 2 (11).
        Assert.Equal([["a", "d"], ["b", "c", "e", "f"]], Shard.Partition(costs, 2));
        Assert.Equal([["a"], ["b", "e", "f"], ["c", "d"]], Shard.Partition(costs, 3));
    }

    [Fact]
    public void A_spec_without_a_measured_cost_is_priced_from_its_work_at_the_measured_rate()
    {
        var spec = SpecLoader.Parse(ShardedRuns.Specs[1], "shard-disk.yaml");
        var longer = spec with { Name = "longer", Train = spec.Train with { Epochs = 3 * spec.Train.Epochs } };
        var wider = spec with { Name = "new" };

        var costs = SpecCosts.Of([(spec.Name, spec), (longer.Name, longer), (wider.Name, wider)], new Dictionary<string, double> { ["shard-disk"] = 10, ["longer"] = 40 });

        Assert.Equal(40, costs["longer"]);
        // The rates are 10 and 13.3 per epoch's work; the median of two is the higher.
        Assert.Equal(40.0 / 3, costs["new"], 9);
        Assert.Equal(10, SpecCosts.Of([(wider.Name, wider)], new Dictionary<string, double> { ["new"] = 10 })["new"]);
    }

    [Fact]
    public void Refreshing_costs_keeps_the_unmeasured_reports_of_the_set_and_drops_the_rest()
    {
        using var temp = new TempFolder();
        temp.File(SpecCosts.FileName, """{"wall_seconds": {"kept": 1.5, "remeasured": 9, "gone": 2}}""");

        SpecCosts.Refresh(temp.Path, new Dictionary<string, double> { ["remeasured"] = 3.14159, ["new"] = 0.04 }, ["kept", "new", "remeasured"]);

        Assert.Equal(new Dictionary<string, double> { ["kept"] = 1.5, ["new"] = 0, ["remeasured"] = 3.1 }, SpecCosts.Measured(temp.Path));
    }

    [Fact]
    public void Refreshing_costs_keeps_a_figure_that_moved_by_a_run_s_noise_alone()
    {
        using var temp = new TempFolder();
        var before = """{"wall_seconds": {"cnn": 53.2, "small": 1.2, "mid": 8.6}}""";
        temp.File(SpecCosts.FileName, before);

        // Within a quarter, or within two seconds: the file's figures stay, and so does the split.
        SpecCosts.Refresh(temp.Path, new Dictionary<string, double> { ["cnn"] = 59.9, ["small"] = 3.1, ["mid"] = 10.6 }, ["cnn", "small", "mid"]);
        Assert.Equal(new Dictionary<string, double> { ["cnn"] = 53.2, ["small"] = 1.2, ["mid"] = 8.6 }, SpecCosts.Measured(temp.Path));

        // Beyond both: the new figure.
        SpecCosts.Refresh(temp.Path, new Dictionary<string, double> { ["cnn"] = 67.0, ["small"] = 3.3, ["mid"] = 6.3 }, ["cnn", "small", "mid"]);
        Assert.Equal(new Dictionary<string, double> { ["cnn"] = 67, ["small"] = 3.3, ["mid"] = 6.3 }, SpecCosts.Measured(temp.Path));
    }

    [Fact]
    public void A_cost_file_that_is_no_cost_file_is_bad_input_naming_it()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["specs"]);
        File.WriteAllText(Path.Combine(temp["specs"], "xor.yaml"), ShardedRuns.Specs[0]);
        File.WriteAllText(Path.Combine(temp["specs"], SpecCosts.FileName), """{"wall_seconds": {"shard-xor": "slow"}}""");

        var (exit, output, error) = Cli.Run("check", temp["specs"], "--shard", "1/2");

        Assert.Equal(2, exit);
        Assert.StartsWith($"parity: {Path.Combine(temp["specs"], SpecCosts.FileName)}: not a Parity cost file (", error);
        Assert.EndsWith("; delete it (the specs' costs are then estimated) or refresh it with parity suite\n", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void The_committed_cost_file_prices_only_built_in_specs()
    {
        var folder = Path.Combine(Repository.Root, "parity-tests", "specs");
        var measured = SpecCosts.Measured(folder);

        Assert.NotEmpty(measured);
        Assert.All(measured.Keys, name => Assert.True(File.Exists(Path.Combine(folder, name + ".yaml")) || name.StartsWith("examples/", StringComparison.Ordinal), $"{name} is no built-in spec"));
    }

    [Fact]
    public void Merged_shards_equal_the_unsharded_run_timings_aside()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("merge", runs.Part(1), runs.Part(2), runs.Part(3), "--out", temp["merged"]);

        Assert.True(exit == 0, error + output);
        Assert.Contains("3 of 3 passed; 3 shards joined", output);
        // Three specs on three shards: one each, so that the merge really joins.
        for (var i = 1; i <= 3; i++)
        {
            Assert.Single(RunResult.Read(runs.Part(i)).Specs);
            Assert.Contains($"1 of 1 specs passed. Shard {i}/3 of a run of 3 reports: it holds 1 of them", File.ReadAllText(Path.Combine(runs.Part(i), "README.md")));
        }
        Assert.Equal(Files(runs.Whole), Files(temp["merged"]));
        // Up to rounding: on some CPUs two runs of one spec differ in the last bits (ReportAndBaselineTests'
        // Two_reports_of_the_same_spec_are_identical says more).
        Assert.Empty(ReportEquivalence.Differences(runs.Whole, temp["merged"], runs.Folder));
        Assert.Equal(3, XDocument.Load(Path.Combine(temp["merged"], "junit.xml")).Root!.Elements("testsuite").Count());
        Assert.Equal(["shard-disk", "shard-quadratic", "shard-xor"], RunResult.Read(temp["merged"]).Specs);
        Assert.Equal(3, RunResult.Read(temp["merged"]).WallSeconds.Count);
    }

    static string[] Files(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_missing_shard_is_bad_input_naming_it()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("merge", runs.Part(1), runs.Part(3), "--out", temp["merged"]);

        Assert.Equal(2, exit);
        Assert.Equal("parity: shard 2/3 is missing; pass the outputs of every shard, 1/3 to 3/3\n", error);
        Assert.False(Directory.Exists(temp["merged"]), output);
    }

    [Fact]
    public void A_shard_given_twice_is_bad_input_naming_it()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("merge", runs.Part(1), runs.Part(2), runs.Part(2), runs.Part(3), "--out", temp["merged"]);

        Assert.Equal(2, exit);
        Assert.Equal($"parity: shard 2/3 is given twice: {runs.Part(2)} and {runs.Part(2)}; pass each shard's output once\n", error);
        Assert.False(Directory.Exists(temp["merged"]), output);
    }

    [Fact]
    public void Shards_of_another_run_or_an_unsharded_folder_do_not_merge()
    {
        using var temp = new TempFolder();
        var (exit, _, error) = Cli.Run("merge", runs.Part(1), runs.Whole, "--out", temp["merged"]);
        Assert.Equal(2, exit);
        Assert.Equal($"parity: {runs.Whole}: is shard 1/1, and {runs.Part(1)} is shard 1/3; pass the parts of one run, all split the same number of ways\n", error);

        // A report moved out of its shard: the shards no longer cover the set.
        var moved = temp["moved"];
        CopyTree(runs.Part(1), moved);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(moved, "result.json")))!;
        var spec = result["specs"]![0]!.GetValue<string>();
        result["specs"] = new JsonArray();
        File.WriteAllText(Path.Combine(moved, "result.json"), result.ToJsonString());
        (exit, _, error) = Cli.Run("merge", moved, runs.Part(2), runs.Part(3), "--out", temp["merged"]);
        Assert.Equal(2, exit);
        Assert.StartsWith($"parity: {spec} is in no shard", error);
    }

    [Fact]
    public void Merge_out_onto_a_folder_Parity_did_not_write_is_refused_and_deletes_nothing()
    {
        using var temp = new TempFolder();
        var mine = Directory.CreateDirectory(temp["mine"]).FullName;
        File.WriteAllText(Path.Combine(mine, "precious.txt"), "precious");
        var before = HostileInputTests.Tree(temp.Path);

        var (exit, output, error) = Cli.Run("merge", runs.Part(1), runs.Part(2), runs.Part(3), "--out", mine);

        Assert.True(exit == 2, error + output);
        Assert.Equal($"parity: {mine}: holds files Parity did not write, and --out replaces the folder whole; --out an empty or new folder, or one Parity wrote (it holds {OutputFolder.MarkFile})\n", error);
        Assert.Equal(before, HostileInputTests.Tree(temp.Path));
    }

    [Fact]
    public void Merge_out_onto_a_folder_Parity_wrote_replaces_it_whole()
    {
        using var temp = new TempFolder();
        var merged = temp["merged"];
        Assert.Equal(0, Cli.Run("merge", runs.Part(1), runs.Part(2), runs.Part(3), "--out", merged).Exit);
        Assert.True(File.Exists(Path.Combine(merged, OutputFolder.MarkFile)));
        File.WriteAllText(Path.Combine(merged, "stale.txt"), "from before");

        var (exit, output, error) = Cli.Run("merge", runs.Part(1), runs.Part(2), runs.Part(3), "--out", merged);

        Assert.True(exit == 0, error + output);
        Assert.False(File.Exists(Path.Combine(merged, "stale.txt")));
        Assert.Equal(Files(runs.Whole), Files(merged));
        Assert.Equal(new[] { "merged" }, Directory.GetFileSystemEntries(temp.Path).Select(entry => Path.GetFileName(entry)).ToArray());
    }

    static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void The_merged_results_are_checked_against_a_baseline_in_one_verdict()
    {
        using var temp = new TempFolder();
        var results = RunResult.Read(runs.Whole).Specs
            .Select(spec => JsonSerializer.Deserialize<SpecResult>(File.ReadAllText(Path.Combine(runs.Whole, spec, "result.json")), Output.Json.Options)!).ToList();
        var recorded = new Baseline(results[0].Engine, results.Select(BaselineSpec.From).ToList());
        File.WriteAllText(temp["baseline.json"], Output.Json.Serialize(recorded));
        var (exit, output, error) = Cli.Run(["merge", runs.Part(1), runs.Part(2), runs.Part(3), "--out", temp["merged"], "--baseline", temp["baseline.json"], .. ReportAndBaselineTests.AnyRuntime]);
        Assert.True(exit == 0, error + output);
        foreach (var result in results)
            Assert.Contains($"no regression {result.Spec}", output);

        // Planted: the baseline recorded another curve verdict for the second spec.
        File.WriteAllText(temp["planted.json"], Output.Json.Serialize(recorded with { Specs = [.. recorded.Specs.Select((s, i) => i == 1 ? s with { Verdict = "diverged" } : s)] }));
        (exit, output, error) = Cli.Run(["merge", runs.Part(1), runs.Part(2), runs.Part(3), "--out", temp["merged"], "--baseline", temp["planted.json"], .. ReportAndBaselineTests.AnyRuntime]);
        Assert.True(exit == 1, error + output);
        Assert.Contains($"regression {results[1].Spec}: the curve verdict changed from \"diverged\" to", output);
        Assert.Contains($"no regression {results[0].Spec}", output);
    }

    [Fact]
    public void Sharded_baselines_merge_into_the_unsharded_baseline()
    {
        using var temp = new TempFolder();
        // One spec keeps it short: shard 1/2 records it, shard 2/2 records nothing.
        var one = temp.File("xor.yaml", ShardedRuns.Specs[0]);
        var folder = Directory.CreateDirectory(temp["one"]).FullName;
        File.Copy(one, Path.Combine(folder, "xor.yaml"));
        foreach (var (name, shard) in new[] { ("whole.json", "1/1"), ("part-1.json", "1/2"), ("part-2.json", "2/2") })
        {
            var (exit, output, error) = Cli.Run("baseline", folder, "--shard", shard, "--out", temp[name]);
            Assert.True(exit == 0, error + output);
        }
        Assert.Empty(Baseline.Read(temp["part-2.json"]).Specs);

        var merged = Cli.Run("merge", temp["part-2.json"], temp["part-1.json"], "--out", temp["merged.json"]);
        Assert.True(merged.Exit == 0, merged.Error + merged.Output);
        Assert.Equal(Untimed(File.ReadAllText(temp["whole.json"])), Untimed(File.ReadAllText(temp["merged.json"])));

        var missing = Cli.Run("merge", temp["part-1.json"], "--out", temp["merged.json"]);
        Assert.Equal((2, "parity: shard 2/2 is missing; pass the outputs of every shard, 1/2 to 2/2\n"), (missing.Exit, missing.Error));
    }

    /// <summary>A baseline without its runtime ratio, the one timing it records.</summary>
    static string Untimed(string baseline) => System.Text.RegularExpressions.Regex.Replace(baseline, @"""ratio"": [^,\n]*", "");

    [Fact]
    public void An_empty_shard_writes_a_valid_empty_report()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("report", runs.Folder, "--shard", "5/5", "--out", temp["empty"]);

        Assert.True(exit == 0, error + output);
        Assert.Contains("0 of 0 specs passed. Shard 5/5 of a run of 3 reports: it holds 0 of them; parity merge joins the shards. Each spec's report compares the engine under test, Parity built-in engine, with the reference, TorchSharp", File.ReadAllText(Path.Combine(temp["empty"], "README.md")));
        Assert.Empty(XDocument.Load(Path.Combine(temp["empty"], "junit.xml")).Root!.Elements());
        var run = RunResult.Read(temp["empty"]);
        Assert.Equal((5, 5, 3), (run.Shard.Index, run.Shard.Count, run.Shard.Set.Count));
        Assert.Empty(run.Specs);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("train")]
    [InlineData("bench", "--repetitions", "2")]
    public void The_json_of_a_shard_records_its_part_of_which_set_and_holds_the_part_report_took(string command, params string[] options)
    {
        using var temp = new TempFolder();
        var whole = RunResult.Read(runs.Whole);
        var part = RunResult.Read(runs.Part(3));
        Assert.NotEmpty(part.Specs);
        var (exit, output, error) = Cli.Run([command, runs.Folder, "--shard", "3/3", "--json", temp["part.json"], .. options]);

        Assert.True(exit == 0, error + output);
        var json = JsonNode.Parse(File.ReadAllText(temp["part.json"]))!;
        var shard = json["shard"]!;
        Assert.Equal((3, 3), (shard["index"]!.GetValue<int>(), shard["count"]!.GetValue<int>()));
        Assert.Equal(whole.Specs, shard["set"]!.AsArray().Select(name => name!.GetValue<string>()));
        Assert.Equal(part.Specs, json["specs"]!.AsArray().Select(spec => spec!["spec"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("check", "0/3")]
    [InlineData("train", "4/3")]
    [InlineData("bench", "x/y")]
    [InlineData("report", "1/0")]
    [InlineData("baseline", "2")]
    [InlineData("suite", "1/3/3")]
    public void A_bad_shard_is_bad_input_on_every_command_that_takes_one(string command, string shard)
    {
        string[] arguments = command switch
        {
            "suite" => ["suite"],
            "report" or "baseline" => [command, runs.Folder, "--out", runs.Temp["unwritten"]],
            _ => [command, runs.Folder],
        };
        var (exit, output, error) = Cli.Run([.. arguments, "--shard", shard]);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal("parity: --shard takes i/n, the i-th of n parts with 1 ≤ i ≤ n ≤ 256, e.g. --shard 2/3\nparity: see 'parity --help'\n", error);
        Assert.False(Path.Exists(runs.Temp["unwritten"]));
    }
}
