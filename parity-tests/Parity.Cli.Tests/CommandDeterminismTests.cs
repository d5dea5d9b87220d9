using Parity.Engine.Numerics;


namespace Parity.Cli.Tests;

/// <summary>Every command that computes gives byte-identical files when run twice on one spec, on one thread and on two.</summary>
[Collection(ThreadCountCollection.Name)]
public class CommandDeterminismTests
{
    // Wide enough that two threads share the work: 200 × 192 activations pass TorchSharp's grain size
    // (32,768 elements) and the 200 × 192 × 32 products OpenBLAS's threading threshold (262,144).
    const string Spec = """
        name: determinism
        seed: 5
        data: {source: disk, train: 600, test: 400, validation: 0.1}
        model: [linear: 192, tanh, linear: 32, relu, linear: 2]
        loss: cross-entropy
        optimizer: {sgd: {lr: 0.05, momentum: 0.9, weight_decay: 0.0001}}
        schedule: {exponential: {gamma: 0.9}}
        clip: {norm: 1.0}
        train: {epochs: 2, batch: 200}
        """;

    [Theory]
    [InlineData("train", 1)]
    [InlineData("train", 2)]
    [InlineData("check", 1)]
    [InlineData("check", 2)]
    [InlineData("report", 1)]
    [InlineData("report", 2)]
    [InlineData("baseline", 1)]
    [InlineData("baseline", 2)]
    public void A_command_run_twice_writes_the_same_bytes(string command, int threads)
    {
        using var temp = new TempFolder();
        var spec = temp.File("determinism.yaml", Spec);
        string Run(string folder)
        {
            var output = temp[folder];
            Directory.CreateDirectory(output);
            string[] arguments = command switch
            {
                "train" => ["--json", Path.Combine(output, "train.json")],
                "check" => ["--json", Path.Combine(output, "check.json"), "--dump", Path.Combine(output, "dump")],
                "report" => ["--out", Path.Combine(output, "reports")],
                _ => ["--out", Path.Combine(output, "baseline.json")],
            };
            var (exit, printed, error) = Cli.Run([command, spec, "--threads", threads.ToString(), .. arguments]);
            Assert.True(exit == 0, error + printed);
            return printed.Replace(output, "OUT");
        }

        var (first, second) = (Run("a"), Run("b"));

        // report and baseline also time the engines; their timings (printed, and set apart in files) vary.
        var timed = command is "report" or "baseline";
        if (!timed)
            Assert.Equal(first, second);
        var files = Directory.GetFiles(temp["a"], "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(temp["a"], f)).Order().ToList();
        Assert.NotEmpty(files);
        Assert.Equal(files, Directory.GetFiles(temp["b"], "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(temp["b"], f)).Order());
        foreach (var file in files)
            Assert.True(timed
                ? Untimed(File.ReadAllText(Path.Combine(temp["a"], file))) == Untimed(File.ReadAllText(Path.Combine(temp["b"], file)))
                : File.ReadAllBytes(Path.Combine(temp["a"], file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(temp["b"], file))), $"{file} differs between two runs");
    }

    static string Untimed(string text) => System.Text.RegularExpressions.Regex.Replace(ReportEquivalence.WithoutTimings(text), @"""ratio"": [^,\n]*", "");

    [Fact]
    public void Threads_apply_to_torchsharp_and_the_blas_for_the_command_and_are_given_back()
    {
        var before = (Parity.Torch.Twin.TorchRuntime.Threads, Gemm.Threads);
        var cnn = Parity.Spec.SpecLoader.Load(Cli.BuiltInSpec("fashion-mnist-cnn.yaml"));
        using (Backends.FixThreads(1))
        {
            Assert.Equal((1, 1), (Parity.Torch.Twin.TorchRuntime.Threads, Gemm.Threads));
            // The user's count holds for every spec.
            Assert.Null(Backends.ThreadsFor(cnn));
            Assert.Equal(1, Backends.FixedThreads);
        }
        Assert.Equal(before, (Parity.Torch.Twin.TorchRuntime.Threads, Gemm.Threads));
        Assert.Null(Backends.FixedThreads);
        using (Backends.FixThreads(3))
            Assert.Equal((3, 3), (Parity.Torch.Twin.TorchRuntime.Threads, Gemm.Threads));
        Assert.Equal(before, (Parity.Torch.Twin.TorchRuntime.Threads, Gemm.Threads));
    }

    [Fact]
    public void Without_threads_each_spec_runs_on_the_count_of_its_work_and_gives_it_back()
    {
        var before = (Parity.Torch.Twin.TorchRuntime.Threads, Gemm.Threads);
        var (xor, cnn) = (Parity.Spec.SpecLoader.Load(Cli.BuiltInSpec("xor-tanh-bce.yaml")), Parity.Spec.SpecLoader.Load(Cli.BuiltInSpec("fashion-mnist-cnn.yaml")));
        // The reference on one thread for a step this small; the engine on every core, of which it uses what the step can.
        using (Backends.ThreadsFor(xor))
            Assert.Equal((1, Environment.ProcessorCount), (Parity.Torch.Twin.TorchRuntime.Threads, Gemm.Threads));
        // A step this large is taken by both sides at once, the cores shared out between them.
        var cores = Environment.ProcessorCount;
        using (Backends.ThreadsFor(cnn))
            Assert.Equal(cores < 2 ? (1, 1) : (cores / 2, cores - cores / 2), (Parity.Torch.Twin.TorchRuntime.Threads, Gemm.Threads));
        Assert.Equal(before, (Parity.Torch.Twin.TorchRuntime.Threads, Gemm.Threads));
    }

    [Theory]
    [InlineData("0", "--threads takes a whole number from 1 to 256")]
    [InlineData("257", "--threads takes a whole number from 1 to 256")]
    [InlineData("two", "--threads takes a whole number from 1 to 256")]
    public void A_thread_count_out_of_range_exits_2(string threads, string message)
    {
        var (exit, output, error) = Cli.Run("check", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--threads", threads);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("parity: ", error);
        Assert.Contains(message, error);
    }
}
