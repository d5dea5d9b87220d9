using BenchmarkDotNet.Attributes;
using Parity.Engine.Modules.Activations;
using Parity.Engine.Numerics;

namespace Parity.Benchmarks;

/// <summary>The elementwise kernels of a training step on a 1000×25 float64 activation (the disk MLP's): each should run at memory speed.</summary>
public class ElementwiseBenchmarks
{
    readonly Relu<double> _relu = new();
    readonly Tanh<double> _tanh = new();
    readonly LeakyRelu<double> _leaky = new(0.01);
    Matrix<double> _z = null!, _g = null!;
    double[] _bias = null!, _sums = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_z, _g) = (GemmBenchmarks.Random<double>(1000, 25), GemmBenchmarks.Random<double>(1000, 25));
        (_bias, _sums) = (new double[25], new double[25]);
        _relu.Forward(_z);
        _tanh.Forward(_z);
        _leaky.Forward(_z);
    }

    [Benchmark(Description = "relu forward")]
    public Matrix<double> ReluForward() => _relu.Forward(_z);

    [Benchmark(Description = "relu backward (by sign)")]
    public Matrix<double> ReluBackward() => _relu.Backward(_g);

    [Benchmark(Description = "leaky-relu backward (by sign)")]
    public Matrix<double> LeakyReluBackward() => _leaky.Backward(_g);

    [Benchmark(Description = "tanh backward")]
    public Matrix<double> TanhBackward() => _tanh.Backward(_g);

    [Benchmark(Description = "bias added to every row")]
    public void BiasForward() => _z.AddToRows(_bias);

    [Benchmark(Description = "bias gradient: column sums")]
    public void BiasGradient() => _g.AddColumnSumsTo(_sums);
}
