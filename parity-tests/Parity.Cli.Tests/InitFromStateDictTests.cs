using System.Diagnostics;
using System.Text.Json;
using Parity.Engine;
using Parity.Spec;

namespace Parity.Cli.Tests;

/// <summary>
/// <c>init: {from: PATH}</c>: a state_dict that Debian's PyTorch saved (torch.save, and safetensors)
/// is where both engines start, value for value; a file that does not fit the spec's model is refused
/// with the tensor's name, exit 2.
/// </summary>
[Collection(TwinInThisProcessCollection.Name)]
public class InitFromStateDictTests
{
    /// <summary>The xor spec's model (2-4-1, tanh, sigmoid) saved by PyTorch into the folder, with its values.</summary>
    static Dictionary<string, double[]> SaveWithPyTorch(string folder, string layers = "2,4,1", string dtype = "float64")
    {
        var script = Path.Combine(Repository.Root, "parity-tests", "pytorch", "save_state_dict.py");
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, folder, "--layers", layers, "--dtype", dtype]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var report = python.StandardOutput.ReadToEnd() + python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, report);
        using var values = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "values.json")));
        return values.RootElement.EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray());
    }

    /// <summary>The built-in xor spec starting from <paramref name="file"/>, written into the folder.</summary>
    static string Spec(string folder, string file)
    {
        var text = File.ReadAllText(Cli.BuiltInSpec("xor-tanh-bce.yaml")) + $"init: {{from: {file}}}\n";
        var path = Path.Combine(folder, "from-file.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("model.pt")]
    [InlineData("model.safetensors")]
    public void Both_engines_start_from_exactly_the_saved_values(string file)
    {
        using var temp = new TempFolder();
        var saved = SaveWithPyTorch(temp.Path);
        AssertBothEnginesStartFrom(saved, Spec(temp.Path, file));
        var (exit, output, error) = Cli.Run("check", Spec(temp.Path, file));
        Assert.True(exit == 0, output + error);
    }

    [Theory]
    [InlineData("2,8,1", "float64", "", "tensor '0.weight' is [8, 2] in the file, but [4, 2] in the model; check the layer's sizes")]
    [InlineData("2,4,1", "float32", "", "tensor '0.weight' is F32 in the file, but the spec's dtype is float64 (F64)")]
    [InlineData("2,4,1", "float64", "  - {linear: {out: 1, bias: false}}", "tensor '2.bias' is in the file but not in the model, whose tensors are 0.weight, 0.bias, 2.weight")]
    [InlineData("2,4,1", "float64", "  - linear: 1\n  - sigmoid\n  - linear: 1", "the model's tensor '4.weight' [1, 1] is not in the file, whose tensors are 0.bias, 0.weight, 2.bias, 2.weight")]
    public void A_file_that_does_not_fit_the_model_is_refused_naming_the_tensor(string layers, string dtype, string lastLinear, string expected)
    {
        using var temp = new TempFolder();
        SaveWithPyTorch(temp.Path, layers, dtype);
        var spec = Spec(temp.Path, "model.pt");
        if (lastLinear != "")
            File.WriteAllText(spec, File.ReadAllText(spec).Replace("  - linear: 1", lastLinear));

        var (exit, output, error) = Cli.Run("check", spec);

        Assert.Equal(2, exit);
        Assert.Contains($"init.from {temp["model.pt"]}: {expected}", error);
        Assert.DoesNotContain("passed", output);
    }

    /// <summary>
    /// The README's transformer module (parity-tests/pytorch/transformer_module.py: embedding, position embedding,
    /// a residual block of layer norm and causal self-attention, one of layer norm and an MLP, layer norm, head),
    /// saved by Debian's PyTorch with torch.save, is where both engines start, value for value, under its nested
    /// names (2.1.c_attn.weight); and check passes from there.
    /// </summary>
    [Fact]
    public void Both_engines_start_from_the_README_transformer_saved_by_PyTorch()
    {
        using var temp = new TempFolder();
        var script = Path.Combine(Repository.Root, "parity-tests", "pytorch", "transformer_module.py");
        using (var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, temp.Path]) { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            var report = python.StandardOutput.ReadToEnd() + python.StandardError.ReadToEnd();
            python.WaitForExit();
            Assert.True(python.ExitCode == 0, report);
        }
        var saved = Parity.Torch.StateDicts.StateDictFile.Read(temp["model.pt"]).ToDictionary(t => t.Tensor.Name, t => t.Tensor.Data);
        var path = temp.File("readme-transformer.yaml", """
            name: readme-transformer
            seed: 3
            dtype: float64
            data: {source: sort, length: 6, digits: 3, train: 256, test: 64}
            model:
              - embedding: {vocab: 3, dim: 48}
              - position-embedding: {block: 11}
              - residual: [layer-norm, causal-self-attention: {heads: 3}]
              - residual: [layer-norm, linear: 192, gelu, linear: 48]
              - layer-norm
              - linear: {out: 3, bias: false}
            loss: cross-entropy
            optimizer: {adamw: {lr: 0.001}}
            train: {epochs: 1, batch: 32}
            init: {from: model.pt}
            """);
        AssertBothEnginesStartFrom(saved, path);
        Assert.Contains("2.1.c_attn.weight", saved.Keys);
        var (exit, output, error) = Cli.Run("check", path);
        Assert.True(exit == 0, output + error);
    }

    /// <summary>Both engines built from the spec at <paramref name="path"/> hold exactly <paramref name="saved"/>, every name and value (a torch.save file need not keep the state_dict's order).</summary>
    static void AssertBothEnginesStartFrom(Dictionary<string, double[]> saved, string path)
    {
        var spec = SpecLoader.Load(path);
        var model = ModelDescriptions.Describe(spec);
        var initial = Backends.InitialParameters(spec);
        using var engine = EngineBackend.Create(model, initial);
        using var twin = Backends.Reference(model, initial);
        foreach (var backend in new IBackend[] { engine, twin })
        {
            var parameters = backend.GetParameters();
            Assert.Equal(saved.Keys.Order(StringComparer.Ordinal), parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.All(parameters, p => Assert.Equal(saved[p.Name], p.Data));
        }
    }

    [Fact]
    public void A_file_that_is_no_state_dict_is_refused_in_one_line()
    {
        using var temp = new TempFolder();
        temp.File("model.pt", "not a zip archive and not safetensors");

        var (exit, output, error) = Cli.Run("check", Spec(temp.Path, "model.pt"));

        Assert.Equal(2, exit);
        Assert.Contains($"init.from {temp["model.pt"]}: not a state_dict that torch.save or safetensors' save_file wrote (", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("passed", output);
    }

    [Fact]
    public void A_missing_file_is_a_spec_error_at_its_line()
    {
        using var temp = new TempFolder();

        var (exit, output, error) = Cli.Run("check", Spec(temp.Path, "weights/model.pt"));

        Assert.Equal(2, exit);
        Assert.Contains("'init.from': no such file 'weights/model.pt'", error);
        Assert.Contains("from-file.yaml:15:", error);
        Assert.DoesNotContain("passed", output);
    }
}
