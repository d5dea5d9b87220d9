using BenchmarkDotNet.Attributes;
using Parity.Engine.Numerics;

namespace Parity.Benchmarks;

/// <summary>
/// The products of the two bench workloads' training steps, as the engine makes them: the disk
/// MLP's narrow ones (25 wide, 1000 rows), where per-call overhead shows, and the Fashion-MNIST
/// MLP's first layer, where the BLAS runs near peak. One thread, as a row-split part runs them (with
/// 512-bit vectors, the wide ones through the engine's packed kernel; PARITY_BLAS=openblas for OpenBLAS's).
/// </summary>
public class GemmBenchmarks
{
    Matrix<double> _x = null!, _w = null!, _y = null!, _dy = null!, _dw = null!, _column = null!, _vector = null!;
    Matrix<float> _image = null!, _w1 = null!, _h1 = null!, _dh1 = null!, _dw1 = null!, _partImage = null!, _partH1 = null!;

    [GlobalSetup]
    public void Setup()
    {
        Gemm.SetThreads(1);
        (_x, _w, _y, _dy, _dw) = (Random<double>(1000, 25), Random<double>(25, 25), new(1000, 25), Random<double>(1000, 25), new(25, 25));
        (_column, _vector) = (new Matrix<double>(1000, 1), Random<double>(1, 25));
        (_image, _w1, _h1, _dh1, _dw1) = (Random<float>(256, 784), Random<float>(256, 784), new(256, 256), Random<float>(256, 256), new(256, 784));
        (_partImage, _partH1) = (Random<float>(128, 784), new(128, 256));
    }

    [Benchmark(Description = "y = x·Wᵀ  1000×25·25×25 f64")]
    public void NarrowForward() => Gemm.Multiply(_x, false, _w, true, _y, accumulate: false);

    [Benchmark(Description = "dW += dYᵀ·x  25×1000·1000×25 f64")]
    public void NarrowWeightGradient() => Gemm.Multiply(_dy, true, _x, false, _dw, accumulate: true);

    [Benchmark(Description = "y = x·wᵀ  1000×25·25×1 f64 (gemv)")]
    public void OneOutput() => Gemm.Multiply(_x, false, _vector, true, _column, accumulate: false);

    [Benchmark(Description = "h = x·W₁ᵀ  256×784·784×256 f32")]
    public void WideForward() => Gemm.Multiply(_image, false, _w1, true, _h1, accumulate: false);

    // Fewer rows than outputs: made as hᵀ = W₁·xᵀ, then transposed into h.
    [Benchmark(Description = "h = x·W₁ᵀ  128×784·784×256 f32 (a part's)")]
    public void PartForward() => Gemm.Multiply(_partImage, false, _w1, true, _partH1, accumulate: false);

    [Benchmark(Description = "dW₁ += dHᵀ·x  256×256·256×784 f32")]
    public void WideWeightGradient() => Gemm.Multiply(_dh1, true, _image, false, _dw1, accumulate: true);

    internal static Matrix<T> Random<T>(int rows, int cols) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(rows * 31 + cols);
        return Matrix<T>.From(rows, cols, Enumerable.Range(0, rows * cols).Select(_ => random.NextDouble() - 0.5).ToArray());
    }
}
