using System.Diagnostics;
using System.Text.Json.Nodes;
using Parity.Torch.StateDicts;
using Parity.Torch.Twin;

namespace Parity.Torch.Tests;

/// <summary>
/// The twin on the README's transformer against PyTorch itself (Debian's python3-torch running
/// parity-tests/pytorch/transformer_module.py): the same weights (its state_dict, read back from
/// safetensors), the same token ids, ignored targets and dropout masks, in float64 — the loss, every
/// parameter's gradient, every flat entry's output and the gradient with respect to it, and the
/// evaluation loss, to 1e-10 of each tensor's largest value (1e-5 in float32, where PyTorch 1.13's and
/// libtorch 2.10's kernels each round in their own order); and each entry run alone (RunLayer: a residual block with its
/// layers and skip, the embedding with a zero input gradient) gives what it gives inside the model.
/// </summary>
public class TransformerVersusPyTorchTests
{
    const int Rows = 4, Steps = 7, Vocabulary = 3, BlockSize = 11, Width = 48, Heads = 3, Seed = 24;

    /// <summary>The README's model, with the attention's dropout p and, when given, an nn.Dropout closing the MLP block.</summary>
    static List<Node> Model(double attentionDropout, double? mlpDropout)
    {
        List<Node> mlp = [LayerNorm(), Linear(Width, 4 * Width), new("gelu", new() { ["approximate"] = "none" }), Linear(4 * Width, Width)];
        if (mlpDropout is { } p)
            mlp.Add(new("dropout", new() { ["p"] = p }));
        return
        [
            new("embedding", new() { ["num_embeddings"] = Vocabulary, ["embedding_dim"] = Width }),
            new("position-embedding", new() { ["block_size"] = BlockSize, ["embedding_dim"] = Width }),
            new("residual", [], LayerNorm(), new("causal-self-attention", new() { ["embed_dim"] = Width, ["num_heads"] = Heads, ["dropout"] = attentionDropout })),
            new("residual", [], [.. mlp]),
            LayerNorm(),
            Linear(Width, Vocabulary, bias: false),
        ];

        static Node LayerNorm() => new("layer-norm", new() { ["normalized_shape"] = new JsonArray(Width), ["eps"] = 1e-5, ["elementwise_affine"] = true });
        static Node Linear(int fanIn, int fanOut, bool bias = true) => new("linear", new() { ["in_features"] = fanIn, ["out_features"] = fanOut, ["bias"] = bias });
    }

    /// <summary>PyTorch's run, and the twin built from the same model description and weights.</summary>
    internal sealed class Fixture : IDisposable
    {
        public required ModelDescription Model { get; init; }
        /// <summary>What PyTorch's constructors drew after torch.manual_seed(Model.Seed), in float32, before the test's noise.</summary>
        public required List<HostTensor> Initial { get; init; }
        public required TwinBackend Twin { get; init; }
        public required Batch Batch { get; init; }
        public required Dictionary<string, HostTensor> PyTorch { get; init; }
        public required string[] Paths { get; init; }

        public double[] Expected(string name) => PyTorch[name].Data;

        public double Tolerance => Model.IsFloat32 ? 1e-5 : 1e-10;

        public void Dispose() => Twin.Dispose();
    }

    internal static Fixture Run(double attentionDropout, double? mlpDropout, string dtype = "float64")
    {
        var folder = Directory.CreateTempSubdirectory("parity-transformer-").FullName;
        try
        {
            var script = Path.Combine(Repository.Root, "parity-tests", "pytorch", "transformer_module.py");
            string[] arguments = [script, folder, "--seed", $"{Seed}", "--rows", $"{Rows}", "--steps", $"{Steps}", "--attention-dropout", $"{attentionDropout:R}", "--dtype", dtype, .. mlpDropout is { } p ? ["--mlp-dropout", $"{p:R}"] : Array.Empty<string>()];
            using (var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!)
            {
                var report = python.StandardOutput.ReadToEnd() + python.StandardError.ReadToEnd();
                python.WaitForExit();
                Assert.True(python.ExitCode == 0, report);
            }
            var weights = StateDictFile.Read(Path.Combine(folder, "model.safetensors")).Select(t => t.Tensor).ToList();
            var pytorch = StateDictFile.Read(Path.Combine(folder, "results.safetensors")).ToDictionary(t => t.Tensor.Name, t => t.Tensor);
            var (layers, parameters) = SequenceModels.Flatten(Model(attentionDropout, mlpDropout), [Steps]);
            var paths = File.ReadAllLines(Path.Combine(folder, "entries.txt"));
            // The flat post-order list and the state_dict order are PyTorch's own.
            Assert.Equal(paths, layers.Select(l => l.Path));
            Assert.Equal(weights.Select(w => w.Name), parameters.Select(p => p.Name));
            var model = new ModelDescription("readme-transformer", dtype, [Steps], layers, parameters,
                new Described("cross-entropy", []), new Described("sgd", new() { ["lr"] = 0.1, ["momentum"] = 0.0, ["dampening"] = 0.0, ["weight_decay"] = 0.0, ["nesterov"] = false }),
                null, null, Seed) { InputDType = "int64" };
            var masks = pytorch.Values.Where(t => t.Name.StartsWith("mask/", StringComparison.Ordinal))
                .Select(t => t with { Name = Batch.MaskName(t.Name["mask/".Length..]) }).ToList();
            var batch = new Batch(Rows, Steps, pytorch["input"].Data, [.. pytorch["targets"].Data.Select(c => (int)c)], null, 0, masks.Count > 0 ? masks : null);
            var initial = StateDictFile.Read(Path.Combine(folder, "initial.safetensors")).Select(t => t.Tensor).ToList();
            return new Fixture { Model = model, Initial = initial, Twin = new TwinBackend(model, weights), Batch = batch, PyTorch = pytorch, Paths = paths };
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static TheoryData<double, double?, string> Dropouts() => new() { { 0.0, null, "float64" }, { 0.1, 0.2, "float64" }, { 0.1, 0.2, "float32" } };

    [Theory]
    [MemberData(nameof(Dropouts))]
    public void Loss_gradients_and_every_entry_agree_with_PyTorch(double attentionDropout, double? mlpDropout, string dtype)
    {
        using var run = Run(attentionDropout, mlpDropout, dtype);
        Assert.Contains(-100.0, run.Expected("targets"));
        Assert.Equal((attentionDropout > 0 ? 1 : 0) + (mlpDropout is null ? 0 : 1), run.Batch.Masks?.Count ?? 0);

        var gradients = run.Twin.ComputeGradients(run.Batch);

        Close.Equal(run.Expected("loss")[0], gradients.Loss, run.Tolerance);
        Assert.Equal(run.Model.Parameters.Select(p => p.Name), gradients.Parameters.Select(g => g.Name));
        foreach (var gradient in gradients.Parameters)
            Agree(run.Expected("grad/" + gradient.Name), gradient, gradient.Name, run.Tolerance);
        Assert.Equal(run.Paths.Length, gradients.LayerOutputs.Count);
        for (var i = 0; i < run.Paths.Length; i++)
            Agree(run.Expected($"output_grad/{i}"), gradients.LayerOutputs[i], $"dL/d(output of {run.Paths[i]})", run.Tolerance);
        Assert.Equal([Rows, Steps], gradients.Input.Shape);
        Assert.All(gradients.Input.Data, g => Assert.Equal(0, g));

        var outputs = run.Twin.Forward(run.Batch);
        Assert.Equal(run.Paths.Length, outputs.Count);
        for (var i = 0; i < outputs.Count; i++)
        {
            Assert.Equal(run.PyTorch[$"output/{i}"].Shape, outputs[i].Shape);
            Agree(run.Expected($"output/{i}"), outputs[i], $"output of {run.Paths[i]}", run.Tolerance);
        }
        Close.Equal(run.Expected("eval_loss")[0], run.Twin.Evaluate(run.Batch).Loss, run.Tolerance);
    }

    /// <summary>
    /// Each entry run alone on its input from PyTorch's forward and its output's gradient from PyTorch's
    /// backward: its output, and its own parameters' gradients (those of every layer inside a residual block);
    /// for a top-level entry, whose input feeds nothing else, the input's gradient — zeros [rows, T] for the embedding.
    /// </summary>
    [Theory]
    [MemberData(nameof(Dropouts))]
    public void Each_entry_run_alone_agrees_with_it_inside_PyTorchs_model(double attentionDropout, double? mlpDropout, string dtype)
    {
        using var run = Run(attentionDropout, mlpDropout, dtype);
        run.Twin.ComputeGradients(run.Batch);
        foreach (var layer in run.Model.Layers)
        {
            var source = layer.Index - layer.Span - 1;
            var input = source < 0 ? run.PyTorch["input"] : run.PyTorch[$"output/{source}"];
            var outputGradient = run.PyTorch[$"output_grad/{layer.Index}"];

            var alone = run.Twin.RunLayer(layer.Index, run.Batch, input, outputGradient);

            Agree(run.Expected($"output/{layer.Index}"), alone.Output, $"output of {layer.Path} alone", run.Tolerance);
            Assert.Equal(run.Model.Parameters.Where(p => p.Name.StartsWith(layer.Prefix, StringComparison.Ordinal)).Select(p => p.Name), alone.Parameters.Select(g => g.Name));
            foreach (var gradient in alone.Parameters)
                Agree(run.Expected("grad/" + gradient.Name), gradient, $"{gradient.Name} with {layer.Path} alone", run.Tolerance);
            Assert.Equal(input.Shape, alone.Input.Shape);
            if (source < 0)
                Assert.All(alone.Input.Data, g => Assert.Equal(0, g));
            else if (!layer.Path.Contains('.'))
                Agree(run.Expected($"output_grad/{source}"), alone.Input, $"input gradient of {layer.Path} alone", run.Tolerance);
        }
    }

    /// <summary>Within <paramref name="tolerance"/> of PyTorch relative to the tensor's largest value: a sum of terms that nearly cancel keeps only its terms' rounding.</summary>
    static void Agree(double[] expected, HostTensor actual, string what, double tolerance)
    {
        var scale = expected.Max(Math.Abs);
        Assert.True(scale > 0, $"{what}: PyTorch's values are all zero, which compares nothing");
        var worst = expected.Zip(actual.Data, (e, a) => Math.Abs(e - a)).Max() / scale;
        Assert.True(worst <= tolerance, $"{what}: {worst:E2} of its largest value from PyTorch's");
    }
}

/// <summary>
/// The transformer twin and TorchSharp's process-wide state: <c>init: torch</c> draws from the seeded generator
/// what PyTorch's constructors draw after torch.manual_seed, value for value (nn.Embedding's normal, the
/// README's PositionEmbedding randn·0.02, nn.LayerNorm's ones and zeros, the attention's c_attn then c_proj);
/// and training, probing and evaluating the model leave no tensor behind.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class TransformerProcessStateTests
{
    [Fact]
    public void Init_torch_draws_what_PyTorchs_constructors_draw()
    {
        using var run = TransformerVersusPyTorchTests.Run(0.0, null);

        var drawn = TorchInitialParameters.Create(run.Model);

        Assert.Equal(run.Initial.Select(t => t.Name), drawn.Select(t => t.Name));
        foreach (var (pytorch, twin) in run.Initial.Zip(drawn))
        {
            Assert.Equal(pytorch.Shape, twin.Shape);
            Assert.True(pytorch.Data.SequenceEqual(twin.Data), $"{twin.Name} differs from PyTorch's: {string.Join(", ", pytorch.Data.Take(3))} vs {string.Join(", ", twin.Data.Take(3))}");
        }
    }

    [Fact]
    public void Training_probing_and_evaluating_leave_no_tensor_behind()
    {
        var run = TransformerVersusPyTorchTests.Run(0.1, 0.2);
        var residual = run.Model.Layers.First(layer => layer.Kind == "residual");
        var before = ProcessStateCollection.SettledLiveTensors();

        run.Twin.ComputeGradients(run.Batch);
        run.Twin.Forward(run.Batch);
        run.Twin.RunLayer(residual.Index, run.Batch, run.PyTorch[$"output/{residual.Index - residual.Span - 1}"], run.PyTorch[$"output_grad/{residual.Index}"]);
        run.Twin.RunLayer(0, run.Batch, run.PyTorch["input"], run.PyTorch["output_grad/0"]);
        run.Twin.TrainStep(run.Batch);
        run.Twin.Evaluate(run.Batch);
        // SGD without momentum keeps no state: the twin holds its parameters alone.
        Assert.Equal(before, TorchRuntime.LiveTensors);
        run.Dispose();

        Assert.Equal(before - run.Model.Parameters.Count, TorchRuntime.LiveTensors);
    }
}
