using BenchmarkDotNet.Attributes;
using Parity.Engine;
using Parity.Engine.Losses;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;
using Parity.Engine.Optimizers;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;

namespace Parity.Benchmarks;

/// <summary>
/// The losses, the optimizer on the Fashion-MNIST MLP's parameters, and one whole engine training
/// step of the disk MLP (batch 1000, float64) on one thread and split across two.
/// </summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    readonly CrossEntropyLoss<float> _crossEntropy = new(Parity.Engine.Losses.Reduction.Mean);
    readonly MseLoss<double> _mse = new(Parity.Engine.Losses.Reduction.Mean);
    Matrix<float> _logits = null!;
    Matrix<double> _prediction = null!, _target = null!;
    int[] _classes = null!;
    Sgd<float> _sgd = null!;
    IBackend _disk = null!;
    Batch _batch = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_logits, _classes) = (GemmBenchmarks.Random<float>(256, 10), Enumerable.Range(0, 256).Select(i => i % 10).ToArray());
        (_prediction, _target) = (GemmBenchmarks.Random<double>(1000, 1), GemmBenchmarks.Random<double>(1000, 1));
        // The Fashion-MNIST MLP's parameters, 784·256 + 256 + 256·128 + 128 + 128·10 + 10, with momentum.
        var parameters = new[] { (256, 784), (1, 256), (128, 256), (1, 128), (10, 128), (1, 10) }
            .Select((shape, i) => new Parameter<float>($"{i}", [shape.Item1, shape.Item2], GemmBenchmarks.Random<float>(shape.Item1, shape.Item2))).ToList();
        _sgd = new Sgd<float>(parameters, new SgdOptions(0.05, Momentum: 0.9));
        _sgd.Step();
        Gemm.SetThreads(Threads);
        var spec = SpecLoader.Load(Path.Combine(Repository.Root, "parity-tests", "bench", "disk-mlp-f64-b1000.yaml"));
        var data = DatasetLoader.Load(spec);
        _batch = Batches.Gather(data.Train, BatchOrder.ForEpoch(spec, 1, data.Train.Rows), spec.TargetEncoding, 0);
        _disk = EngineBackend.Create(ModelDescriptions.Describe(spec), InitialParameters.Create(spec));
    }

    [GlobalCleanup]
    public void Cleanup() => _disk.Dispose();

    [Benchmark(Description = "cross-entropy forward + backward, 256×10 f32")]
    public Matrix<float> CrossEntropy()
    {
        _crossEntropy.Forward(_logits, new LossTargets<float>(null, _classes));
        return _crossEntropy.Backward();
    }

    [Benchmark(Description = "mse forward + backward, 1000×1 f64")]
    public Matrix<double> Mse()
    {
        _mse.Forward(_prediction, new LossTargets<double>(_target, null));
        return _mse.Backward();
    }

    [Benchmark(Description = "SGD with momentum, 235,146 f32 parameters")]
    public void Sgd() => _sgd.Step();

    [Benchmark(Description = "disk MLP training step, batch 1000 f64")]
    public double DiskTrainStep() => _disk.TrainStep(_batch);
}
