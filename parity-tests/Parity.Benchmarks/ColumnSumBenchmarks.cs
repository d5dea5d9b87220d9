using BenchmarkDotNet.Attributes;
using Parity.Engine.Numerics;

namespace Parity.Benchmarks;

/// <summary>
/// A bias gradient over the GPT bench spec's 2048 rows (32 sequences of 64) in float32, at its layers' widths: the
/// MLP's 512, attention's q, k, v 384 and the residual stream's 128, and a narrow 25 that keeps the column strips.
/// </summary>
public class ColumnSumBenchmarks
{
    Matrix<float> _gradient = null!;
    float[] _sums = null!;

    [Params(25, 128, 384, 512)]
    public int Columns { get; set; }

    [GlobalSetup]
    public void Setup() => (_gradient, _sums) = (GemmBenchmarks.Random<float>(2048, Columns), new float[Columns]);

    [Benchmark(Description = "bias gradient: column sums, 2048 rows")]
    public void BiasGradient() => _gradient.AddColumnSumsTo(_sums);
}
