namespace Parity.Protocol.Tests;

/// <summary>
/// The example engine (examples/numpy-engine), a student's numpy backpropagation speaking the protocol,
/// against the twin: check passes on the built-in specs whose parts it has, and its planted bug is
/// found and explained.
/// </summary>
public class NumpyEngineTests
{
    /// <summary>
    /// The built-in specs whose parts the example has, but the two large Fashion-MNIST ones: trained
    /// through the protocol, the ten-class MLP and the grid of seven settings take minutes (the MLP on all
    /// 60,000 images, identical up to rounding over 7035 steps, was checked by hand), and use no part of
    /// the engine the others leave out.
    /// </summary>
    public static TheoryData<string> TrainedSpecs =>
    [
        "xor-tanh-bce",
        "quadratic-softmax-clip",
        "disk-three-layers",
        "disk-relu-mse",
        "disk-deep-sigmoid-bce",
        "disk-deep-tanh-mse",
        "fashion-mnist-2class-float32",
    ];

    /// <summary>Every built-in spec whose parts the example has: a check takes half a minute even on the large ones.</summary>
    public static TheoryData<string> CheckedSpecs => [.. TrainedSpecs, "fashion-mnist-mlp", "fashion-mnist-grid"];

    [Theory]
    [MemberData(nameof(CheckedSpecs))]
    public void Check_passes(string spec)
    {
        var (exit, output, error) = Engines.Run("check", Engines.Spec($"{spec}.yaml"), "--engine", Engines.Numpy());

        Assert.True(exit == 0, output + error);
        Assert.Contains($"passed {spec}", output);
        // The engine checked by finite differences is the one in the other process, by its handshake name.
        Assert.Contains("gradcheck numpy-engine (float64, ", output);
    }

    /// <summary>Dropout's masks reach the engine in the batch messages (forward, gradients, train_step), and it drops what the twin drops.</summary>
    [Fact]
    public void Check_passes_on_a_model_with_dropout()
    {
        var path = Path.Combine(Path.GetTempPath(), $"parity-dropout-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "name: disk-dropout\nseed: 3\ndata: {source: disk, train: 200, test: 50}\n"
            + "model: [linear: 16, relu, {dropout: {p: 0.3}}, linear: 1]\nloss: bce-with-logits\noptimizer: {sgd: {lr: 0.1}}\ntrain: {epochs: 1, batch: 50}\n");
        try
        {
            var (exit, output, error) = Engines.Run("check", path, "--engine", Engines.Numpy());

            Assert.True(exit == 0, output + error);
            Assert.Contains("passed disk-dropout", output);
            // run_layer, with the dropout layer's mask, and with "training": false: every layer agrees alone, in training and in evaluation, and end to end, and backward is linear.
            Assert.Contains("re-sync (own / inherited max abs err): 0 ", output);
            Assert.DoesNotContain(" own,", output);
            Assert.DoesNotContain(" inherited,", output);
            Assert.Contains("backward linear in the upstream gradient", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_planted_bias_bug_fails_check_with_the_bias_diagnosis()
    {
        var (exit, output, error) = Engines.Run("check", Engines.Spec("disk-three-layers.yaml"), "--engine", Engines.Numpy("--bug bias-grad-mean"));

        Assert.True(exit == 1, output + error);
        Assert.Matches(@"│ 0\.bias\s+│ \[32\].*│ no\s+│", output);
        Assert.Contains("only the bias gradients are wrong (0.bias, 2.bias, 4.bias)", output);
        Assert.Contains("1/50, the batch size: divided by the batch once too often", output);
        // Re-sync through run_layer: every linear layer has the bug of its own, and nothing else is blamed.
        Assert.Contains("re-sync: fed TorchSharp's input and upstream gradient, the own error is at layer 0 (linear, 6th from the output) (its 0.bias, max abs err ", output);
        Assert.Contains(" and layer 2 (linear, 4th from the output) (its 2.bias, ", output);
        Assert.Contains(" and layer 4 (linear, 2nd from the output) (its 4.bias, ", output);
        Assert.DoesNotContain("and layer 1 ", output);
        Assert.Contains("failed disk-three-layers", output);
    }

    [Fact]
    public void The_engine_built_directly_holds_the_initial_parameters_and_its_process_ends_with_it()
    {
        var spec = Spec.SpecLoader.LoadAll(Engines.Spec("xor-tanh-bce.yaml")).Single();
        var initial = Spec.Initialization.InitialParameters.Create(spec);
        var log = new StringWriter();
        int pid;
        using (var engine = new ProcessBackend(Engines.Numpy()["exec:".Length..], Spec.ModelDescriptions.Describe(spec), initial, TimeSpan.FromSeconds(60), log, new object()))
        {
            pid = engine.ProcessId;
            Assert.Equal("numpy-engine", engine.Name);
            Assert.False(Engines.Gone(pid));
            var parameters = engine.GetParameters();
            Assert.Equal(initial.Select(p => p.Name), parameters.Select(p => p.Name));
            Assert.All(initial.Zip(parameters), pair => Assert.Equal(pair.First.Data, pair.Second.Data));
        }
        Assert.True(Engines.Gone(pid));
    }
}
