using System.Numerics;
using Parity.Engine.Numerics;
using Parity.Harness.Benchmarks;
using Parity.Spec;

namespace Parity.Cli;

/// <summary>The machine's product peak in a dtype (<see cref="GemmPeak"/>): the BLAS the built-in engine multiplies with, through its own <see cref="Gemm"/>.</summary>
public static class BlasPeak
{
    /// <summary>Half a second of products: the peak is their fastest, which settles within a few dozen.</summary>
    const double Seconds = 0.5;

    /// <summary>The peak on <paramref name="threads"/> threads; the BLAS's thread count is left at that.</summary>
    public static GemmPeak Measure(DType dtype, int threads)
    {
        Gemm.SetThreads(threads);
        return dtype == DType.Float32 ? Measure<float>("float32", threads) : Measure<double>("float64", threads);
    }

    static GemmPeak Measure<T>(string dtype, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int n = GemmPeak.SquareSize;
        var (a, b, c) = (new Matrix<T>(n, n), new Matrix<T>(n, n), new Matrix<T>(n, n));
        // Values of an ordinary size (no zeros or subnormals that some hardware takes another path for).
        for (var i = 0; i < a.Data.Length; i++)
            a.Data[i] = b.Data[i] = T.CreateChecked(1 + i % 7) / T.CreateChecked(n);
        return GemmPeak.Measure(dtype, n, threads, () => Gemm.Multiply(a, false, b, false, c, accumulate: false), Seconds);
    }
}
