using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;
using Parity.Harness.Benchmarks;
using Parity.Spec;
using Parity.Torch.Twin;

namespace Parity.Cli;

/// <summary>
/// The machine's product peak in a dtype (<see cref="GemmPeak"/>): the fastest of one product on all the threads
/// through the built-in engine's own <see cref="Gemm"/> (OpenBLAS's, or the engine's 512-bit kernel's where it
/// takes every product); where the engine has that kernel, a product on each thread at once, as a row-split step
/// runs it; and one product on all the threads by the reference's oneMKL, which can be the faster BLAS of the two:
/// a peak of the engine's own products alone would say how near the engine is to itself, not to the machine.
/// </summary>
public static class BlasPeak
{
    /// <summary>Half a second of products: the peak is their fastest, which settles within a few dozen.</summary>
    const double Seconds = 0.5;

    /// <summary>The peak on <paramref name="threads"/> threads; the engine's thread count is left at that.</summary>
    public static GemmPeak Measure(DType dtype, int threads) =>
        dtype == DType.Float32 ? Measure<float>("float32", threads) : Measure<double>("float64", threads);

    static GemmPeak Measure<T>(string dtype, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int n = GemmPeak.SquareSize;
        // One product for all the threads at once, and one for each thread of the packed kernel.
        var products = Enumerable.Range(0, Gemm.Packed ? threads : 1).Select(_ => (A: Square<T>(n), B: Square<T>(n), C: new Matrix<T>(n, n))).ToArray();
        var (a, b, c) = products[0];
        var oneProductKernel = Gemm.PackedForAll ? "the engine's 512-bit kernel, one product shared among the threads"
            : Gemm.Provider == "openblas" ? $"OpenBLAS {Gemm.Kernel}" : "MathNet's managed GEMM";
        GemmPeak OneProduct() => GemmPeak.Measure(dtype, n, threads, oneProductKernel, 1,
            () => Gemm.Multiply(a, false, b, false, c, accumulate: false), Seconds);
        Gemm.SetThreads(threads);
        var engine = !Gemm.Packed ? OneProduct() : Packed();
        return GemmPeak.Faster(engine, Reference(dtype, threads));

        GemmPeak Packed()
        {
            // The engine's products on one thread go to its 512-bit kernel: one product on each thread at once.
            Gemm.SetThreads(1);
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
            var packed = GemmPeak.Measure(dtype, n, threads, "the engine's 512-bit kernel, a product on each thread", threads,
                () => Parallel.ForEach(products, options, p => Gemm.Multiply(p.A, false, p.B, false, p.C, accumulate: false)), Seconds);
            Gemm.SetThreads(threads);
            // On one thread that kernel is all the engine multiplies with; on more, one product is split over them.
            return threads == 1 ? packed : GemmPeak.Faster(OneProduct(), packed);
        }
    }

    /// <summary>One product on <paramref name="threads"/> threads by TorchSharp's oneMKL; its thread count is put back after.</summary>
    static GemmPeak Reference(string dtype, int threads)
    {
        using var product = Backends.ReferenceProduct(Values(GemmPeak.SquareSize), GemmPeak.SquareSize, dtype == "float64");
        var before = Backends.Threads.Reference;
        TorchRuntime.Threads = threads;
        try
        {
            return GemmPeak.Measure(dtype, GemmPeak.SquareSize, threads, "oneMKL through TorchSharp, one product shared among the threads", 1, product.Multiply, Seconds);
        }
        finally
        {
            TorchRuntime.Threads = before;
        }
    }

    static Matrix<T> Square<T>(int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new Matrix<T>(n, n);
        TensorPrimitives.ConvertTruncating<double, T>(Values(n), m.Data);
        return m;
    }

    // Values of an ordinary size (no zeros or subnormals that some hardware takes another path for): (1 + i mod 7)/n.
    static double[] Values(int n) => [.. Enumerable.Range(0, n * n).Select(i => (1 + i % 7) / (double)n)];
}
