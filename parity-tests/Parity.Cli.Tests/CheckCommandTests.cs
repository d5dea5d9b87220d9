using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Parity.Cli.Tests;

[Collection(TwinInThisProcessCollection.Name)]
public class CheckCommandTests
{
    // A spec no other test uses: leaky-relu, sigmoid + BCE with sum reduction, nesterov, step schedule, clip by value.
    const string UnseenSpec = """
        name: unseen-check
        seed: 99
        data: {source: disk, train: 300, test: 100}
        model:
          - linear: 12
          - leaky-relu: {slope: 0.1}
          - linear: {out: 6, bias: false}
          - tanh
          - linear: 1
          - sigmoid
        init: {uniform: {low: -0.8, high: 0.8}}
        loss: {kind: bce, reduction: sum}
        optimizer:
          sgd: {lr: 0.01, momentum: 0.5, nesterov: true, weight_decay: 0.001}
        schedule: {step: {size: 2, gamma: 0.5}}
        clip: {value: 0.3}
        train: {epochs: 2, batch: 40}
        """;

    [Fact]
    public void An_unseen_spec_checks_and_writes_the_json_contract()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("check", temp.File("unseen.yaml", UnseenSpec), "--json", temp["check.json"]);

        Assert.True(exit == 0, error + output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["check.json"]));
        Assert.True(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal("Parity built-in engine", json.RootElement.GetProperty("engine").GetString());
        Assert.Equal("TorchSharp 0.107.0 (libtorch 2.10.0)", json.RootElement.GetProperty("reference").GetString());
        Assert.StartsWith("engine under test: Parity built-in engine · reference: TorchSharp 0.107.0 (libtorch 2.10.0)\n", output);
        var spec = json.RootElement.GetProperty("specs")[0];
        Assert.Equal("unseen-check", spec.GetProperty("spec").GetString());
        Assert.Equal(spec.GetProperty("loss").GetProperty("engine").GetDouble(), spec.GetProperty("loss").GetProperty("twin").GetDouble(), 1e-12);
        var names = spec.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "4.weight", "4.bias" }, names);
        foreach (var parameter in spec.GetProperty("parameters").EnumerateArray())
        {
            Assert.True(parameter.GetProperty("passed").GetBoolean());
            Assert.InRange(parameter.GetProperty("max_rel_err").GetDouble(), 0, 1e-9);
            Assert.InRange(parameter.GetProperty("cosine").GetDouble(), 1 - 1e-12, 1 + 1e-12);
        }
        foreach (var side in new[] { "engine", "twin" })
        {
            var gradcheck = spec.GetProperty("gradcheck").GetProperty(side);
            Assert.True(gradcheck.GetProperty("passed").GetBoolean());
            Assert.Equal("full", gradcheck.GetProperty("mode").GetString());
            // Every coordinate: 36 + 72 + 7 parameters and 40 × 2 inputs, each checked or set aside as a kink.
            Assert.Equal(195, gradcheck.GetProperty("checked").GetInt32() + gradcheck.GetProperty("kinks").GetInt32());
            Assert.True(gradcheck.GetProperty("linearity").GetProperty("passed").GetBoolean());
        }
        var resync = spec.GetProperty("resync");
        Assert.True(resync.GetProperty("available").GetBoolean());
        Assert.All(resync.GetProperty("layers").EnumerateArray(), layer => Assert.Equal("agrees", layer.GetProperty("verdict").GetString()));
        Assert.Equal(spec.GetProperty("layers").GetArrayLength(), resync.GetProperty("layers").GetArrayLength());
        Assert.Equal(0, spec.GetProperty("diagnosis").GetArrayLength());
        Assert.Contains("passed unseen-check", output);
    }

    /// <summary>
    /// A model with a residual block names each layer by its path, as its parameters are named: the console's re-sync line,
    /// and in the JSON both layer lists, each entry with its flat index and its path.
    /// </summary>
    [Fact]
    public void A_residual_model_s_check_names_its_layers_by_path()
    {
        using var temp = new TempFolder();
        var spec = temp.File("block.yaml", """
            name: block-check
            seed: 4
            data: {source: sort, length: 3, digits: 4, train: 16, test: 8}
            model: [embedding: {vocab: 4, dim: 4}, residual: [layer-norm, causal-self-attention: {heads: 2}], linear: 4]
            loss: cross-entropy
            optimizer: {sgd: {lr: 0.1}}
            train: {epochs: 1, batch: 8}
            """);
        var (exit, output, error) = Cli.Run("check", spec, "--json", temp["check.json"]);

        Assert.True(exit == 0, error + output);
        string[] paths = ["0", "1.0", "1.1", "1", "2"];
        Assert.Matches(@"re-sync \(own / inherited max abs err\): " + string.Join(", ", paths.Select(p => Regex.Escape(p) + @" \S+ / \S+ agrees")) + "\n", output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["check.json"]));
        var check = json.RootElement.GetProperty("specs")[0];
        foreach (var layers in new[] { check.GetProperty("layers"), check.GetProperty("resync").GetProperty("layers") })
        {
            Assert.Equal(paths, layers.EnumerateArray().Select(l => l.GetProperty("path").GetString()));
            Assert.Equal(Enumerable.Range(0, paths.Length), layers.EnumerateArray().Select(l => l.GetProperty("layer").GetInt32()));
        }
    }

    [Fact]
    public void The_dumped_gradients_agree_with_PyTorch_recomputing_them()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("check", temp.File("unseen.yaml", UnseenSpec), "--dump", temp["dump"]);
        Assert.True(exit == 0, error + output);
        Assert.Equal(new[] { Output.OutputFolder.MarkFile, "batch.safetensors", "engine.safetensors", "params.safetensors", "twin.safetensors" },
            Directory.GetFiles(temp["dump"]).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());

        var (agrees, report) = Recompute(temp["dump"]);
        Assert.True(agrees, report);
        Assert.Contains("unseen-check engine 0.weight", report);
        Assert.Contains("unseen-check twin loss", report);

        // The recomputation can fail: one gradient value changed in the engine's file is caught.
        var engineFile = Path.Combine(temp["dump"], "engine.safetensors");
        var bytes = File.ReadAllBytes(engineFile);
        bytes[^9] ^= 0x40;
        File.WriteAllBytes(engineFile, bytes);
        var (stillAgrees, corrupted) = Recompute(temp["dump"]);
        Assert.False(stillAgrees, corrupted);
        Assert.Contains("DIFFERS", corrupted);
    }

    [Fact]
    public void PyTorch_rebuilds_every_catalogue_op_from_the_dump()
    {
        using var temp = new TempFolder();
        // Every op that takes features; the embedding, which takes token ids, cannot stand in a model of features (the transformer dump test covers it).
        var layers = string.Concat(Parity.Spec.LayerOps.All.Where(op => op.Vocabulary is null).Select(EveryOpLayers));
        var spec = $"name: every-op\nseed: 5\ndata: {{source: quadratic, train: 20, test: 10}}\nmodel:\n{layers}  - linear: 1\nloss: mse\noptimizer: {{sgd: {{lr: 0.01}}}}\ntrain: {{epochs: 1, batch: 10}}\n";
        var (exit, output, error) = Cli.Run("check", temp.File("every-op.yaml", spec), "--dump", temp["dump"]);
        Assert.True(exit == 0, error + output);

        var (agrees, report) = Recompute(temp["dump"]);

        Assert.True(agrees, report);
        Assert.Contains("every-op engine 0.weight", report);
    }

    // A tiny transformer with every sequence op: token ids in, blocks that nest, attention and MLP dropout, GELU in both
    // forms, a layer norm without affine parameters, and sequence targets whose unscored positions are -100.
    const string TransformerSpec = """
        name: dump-transformer
        seed: 4
        dtype: float64
        data: {source: sort, length: 4, digits: 3, train: 64, test: 16}
        model:
          - embedding: {vocab: 3, dim: 8}
          - position-embedding: {block: 7}
          - residual:
              - layer-norm
              - causal-self-attention: {heads: 2, dropout: 0.25}
          - residual:
              - layer-norm: {affine: false}
              - linear: 16
              - gelu
              - residual:
                  - linear: 16
                  - gelu: {approximate: tanh}
              - linear: 8
              - dropout: {p: 0.25}
          - layer-norm
          - linear: {out: 3, bias: false}
        loss: cross-entropy
        optimizer: {sgd: {lr: 0.1}}
        train: {epochs: 1, batch: 16}
        """;

    [Theory]
    [InlineData("float64", "F64")]
    [InlineData("float32", "F32")]
    public void A_transformers_dump_holds_token_ids_and_sequence_targets_and_PyTorch_recomputes_its_gradients(string dtype, string floats)
    {
        using var temp = new TempFolder();
        var spec = TransformerSpec.Replace("dtype: float64", $"dtype: {dtype}");
        var (exit, output, error) = Cli.Run("check", temp.File("transformer.yaml", spec), "--dump", temp["dump"]);
        Assert.True(exit == 0, error + output);

        // As PyTorch holds them: ids and targets [rows, T] in int64, masks [rows, …] in the model's dtype.
        var batch = Protocol.SafetensorsCodec.Decode(File.ReadAllBytes(Path.Combine(temp["dump"], "batch.safetensors"))).ToDictionary(t => t.Name);
        Assert.Equal(["x", "y", "2.1.mask", "3.5.mask"], batch.Keys);
        string Held(string name) => $"{batch[name].DType} {batch[name].ShapeText}";
        Assert.Equal("I64 [16, 7]", Held("x"));
        Assert.Equal("I64 [16, 7]", Held("y"));
        Assert.Contains(Parity.Contract.Batch.IgnoredTarget, batch["y"].Integers!);
        Assert.Equal($"{floats} [16, 2, 7, 7]", Held("2.1.mask"));
        Assert.Equal($"{floats} [16, 7, 8]", Held("3.5.mask"));

        var (agrees, report) = Recompute(temp["dump"]);
        Assert.True(agrees, report);
        foreach (var name in new[] { "0.weight", "1.weight", "2.0.bias", "2.1.c_attn.weight", "3.3.0.weight", "3.4.bias", "5.weight", "loss" })
        {
            Assert.Contains($"dump-transformer engine {name}: ", report);
            Assert.Contains($"dump-transformer twin {name}: ", report);
        }
    }

    /// <summary>Dropout and attention with p = 0 drop nothing: the dump holds no mask for them, and PyTorch recomputes it without one.</summary>
    [Fact]
    public void A_transformers_dump_without_dropout_has_no_masks_and_PyTorch_recomputes_it()
    {
        using var temp = new TempFolder();
        var spec = TransformerSpec.Replace("dropout: 0.25", "dropout: 0").Replace("p: 0.25", "p: 0");
        var (exit, output, error) = Cli.Run("check", temp.File("transformer.yaml", spec), "--dump", temp["dump"]);
        Assert.True(exit == 0, error + output);

        var batch = Protocol.SafetensorsCodec.Decode(File.ReadAllBytes(Path.Combine(temp["dump"], "batch.safetensors")));
        Assert.Equal(["x", "y"], batch.Select(t => t.Name));
        var (agrees, report) = Recompute(temp["dump"]);
        Assert.True(agrees, report);
        Assert.Contains("dump-transformer engine 2.1.c_attn.weight: ", report);
    }

    /// <summary>
    /// An op in its first example's settings, reached by a linear layer of its input's width (unflattened
    /// for an op of images) and followed by a flatten when it gives images, so that every op can stand
    /// in one model of flat features.
    /// </summary>
    static string EveryOpLayers(Parity.Spec.LayerOp op)
    {
        var example = op.Examples[0];
        var input = example.InputShape;
        var output = op.Shape(op.Settle(example.Given), input);
        var settings = string.Join(", ", op.Options.Where(o => example.Given[o.Name] is not null).Select(o => $"{o.SpecKey}: {example.Given[o.Name]!.ToJsonString()}"));
        return $"  - linear: {input.Aggregate(1, (n, d) => n * d)}\n"
            + (input.Length > 1 ? $"  - unflatten: [{string.Join(", ", input)}]\n" : "")
            + (settings.Length == 0 ? $"  - {op.Keyword}\n" : $"  - {{{op.Keyword}: {{{settings}}}}}\n")
            + (output.Length > 1 ? "  - flatten\n" : "");
    }

    [Fact]
    public void Checking_a_folder_dumps_one_subfolder_per_spec()
    {
        using var temp = new TempFolder();
        var specs = Directory.CreateDirectory(temp["specs"]).FullName;
        File.WriteAllText(Path.Combine(specs, "a.yaml"), UnseenSpec);
        File.WriteAllText(Path.Combine(specs, "b.yaml"), UnseenSpec.Replace("name: unseen-check", "name: unseen-check-two"));
        var (exit, _, error) = Cli.Run("check", specs, "--dump", temp["dump"]);

        Assert.True(exit == 0, error);
        Assert.Equal(new[] { "unseen-check", "unseen-check-two" }, Directory.GetDirectories(temp["dump"]).Select(Path.GetFileName).Order().ToArray());
    }

    [Fact]
    public void A_dump_folder_under_a_missing_parent_is_refused_before_checking()
    {
        var (exit, output, error) = Cli.Run("check", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--dump", "/no/such/parent/dump");

        Assert.Equal(2, exit);
        Assert.Contains("the folder /no/such/parent does not exist", error);
        Assert.Equal("", output);
    }

    static (bool Agrees, string Report) Recompute(string dump)
    {
        var script = Path.Combine(Repository.Root, "parity-tests", "pytorch", "recompute_from_dump.py");
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, dump]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var report = python.StandardOutput.ReadToEnd() + python.StandardError.ReadToEnd();
        python.WaitForExit();
        return (python.ExitCode == 0, report);
    }
}
