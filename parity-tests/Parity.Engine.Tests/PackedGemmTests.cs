using System.Numerics;
using System.Runtime.Intrinsics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Tests;

/// <summary>
/// The 512-bit kernel that takes the engine's one-thread products (<see cref="PackedGemm{T}"/>), against
/// a naive product in float64, at shapes that cut its register tiles (12 rows, 2 vectors of columns) and
/// its packed blocks (96 rows, 384 of k, 1024 columns) short, on blocks of larger arrays. Where OpenBLAS
/// runs an SSE kernel the packed one takes every product, so the shapes include ones smaller than a tile.
/// </summary>
[Collection(nameof(EngineThreads))]
public class PackedGemmTests
{
    public static IEnumerable<object[]> Cases =>
        from shape in new[] { (64, 32, 16), (77, 45, 17), (100, 33, 800), (70, 1030, 40), (40, 150, 700), (5, 3, 2), (2, 25, 25), (1000, 10, 9), (7, 5, 0), (20, 300, 500) }
        from transposeA in new[] { false, true }
        from transposeB in new[] { false, true }
        from accumulate in new[] { false, true }
        select new object[] { shape.Item1, shape.Item2, shape.Item3, transposeA, transposeB, accumulate };

    [Fact]
    public void TakesTheOneThreadProductsWhereTheCpuHas512BitVectors() =>
        Assert.Equal(Vector512.IsHardwareAccelerated && Environment.GetEnvironmentVariable("PARITY_BLAS") is null, Gemm.Packed);

    [Fact]
    public void TakesEveryProductWhereOpenBlasRunsAnSseKernel() =>
        Assert.Equal(Gemm.Packed && Gemm.Kernel is "Prescott" or "Core2" or "Penryn" or "Dunnington" or "Nehalem" or "Atom" or "Sandybridge", Gemm.PackedForAll);

    [Theory, MemberData(nameof(Cases))]
    public void DoubleMatchesNaiveProduct(int m, int n, int k, bool transposeA, bool transposeB, bool accumulate) =>
        Check<double>(m, n, k, transposeA, transposeB, accumulate, 1e-13);

    [Theory, MemberData(nameof(Cases))]
    public void SingleMatchesNaiveProduct(int m, int n, int k, bool transposeA, bool transposeB, bool accumulate) =>
        Check<float>(m, n, k, transposeA, transposeB, accumulate, 2e-5);

    [Fact]
    public void ARowsOutputsAreTheSameBitsInAnyBlockOfRows()
    {
        // A row-split part multiplies some of the batch's rows: each of them must come out as it does in the whole product.
        var (whole, part) = (Product(200, 0, 200), Product(200, 29, 70));
        Assert.Equal(whole.AsSpan(29 * 50, 70 * 50).ToArray(), part);
    }

    public static IEnumerable<object[]> SharedCases =>
        from shape in new[] { (256, 784, 256), (64, 256, 784), (300, 70, 200), (40, 900, 60), (129, 161, 99) }
        from transposeA in new[] { false, true }
        from transposeB in new[] { false, true }
        from accumulate in new[] { false, true }
        select new object[] { shape.Item1, shape.Item2, shape.Item3, transposeA, transposeB, accumulate };

    /// <summary>
    /// Where the packed kernel takes every product it shares one among the engine's threads (<see cref="ProductFork"/>),
    /// cut into stripes of C: each output must come out as on one thread, bit for bit, or runs would depend on the
    /// threads. Elsewhere OpenBLAS's threads take it, held to the naive product.
    /// </summary>
    [Theory, MemberData(nameof(SharedCases))]
    public void AProductSharedAmongThreadsIsTheSameBitsAsOnOne(int m, int n, int k, bool transposeA, bool transposeB, bool accumulate)
    {
        var random = new Random(m + n + k);
        float[] Fill(int length) => [.. Enumerable.Range(0, length).Select(_ => (float)(2 * random.NextDouble() - 1))];
        var (a, b, c) = (Fill(m * k), Fill(k * n), Fill(m * n));
        float[] On(int threads)
        {
            var before = Gemm.Threads;
            Gemm.SetThreads(threads);
            try
            {
                var output = (float[])c.Clone();
                Gemm.Multiply<float>(m, n, k, a, transposeA ? m : k, transposeA, b, transposeB ? k : n, transposeB, output, n, accumulate);
                return output;
            }
            finally
            {
                Gemm.SetThreads(before);
            }
        }
        var (one, shared) = (On(1), On(3));
        if (Gemm.PackedForAll)
            Assert.Equal(one, shared);
        else
            Elementwise.AssertClose([.. one.Select(v => (double)v)], [.. shared.Select(v => (double)v)], 2e-5 * Math.Sqrt(k));
    }

    static float[] Product(int rows, int first, int count)
    {
        const int n = 50, k = 700;
        var random = new Random(3);
        var a = Enumerable.Range(0, rows * k).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        var c = new float[count * n];
        OnOneThread(() => Gemm.Multiply<float>(count, n, k, a.AsSpan(first * k), k, false, b, n, false, c, n, accumulate: false));
        return c;
    }

    static void Check<T>(int m, int n, int k, bool transposeA, bool transposeB, bool accumulate, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Every operand lies inside a larger array, rows 3 values longer and 2 values in.
        const int offset = 2, pad = 3;
        var (lda, ldb, ldc) = ((transposeA ? m : k) + pad, (transposeB ? k : n) + pad, n + pad);
        var random = new Random(m * 7 + n);
        T[] Fill(int length) => [.. Enumerable.Range(0, length).Select(_ => T.CreateChecked(2 * random.NextDouble() - 1))];
        var a = Fill(offset + (transposeA ? k : m) * lda);
        var b = Fill(offset + (transposeB ? n : k) * ldb);
        var c = Fill(offset + m * ldc);
        double A(int i, int p) => double.CreateChecked(transposeA ? a[offset + p * lda + i] : a[offset + i * lda + p]);
        double B(int p, int j) => double.CreateChecked(transposeB ? b[offset + j * ldb + p] : b[offset + p * ldb + j]);
        var expected = c.Select(double.CreateChecked).ToArray();
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                var sum = accumulate ? expected[offset + i * ldc + j] : 0;
                for (var p = 0; p < k; p++)
                    sum += A(i, p) * B(p, j);
                expected[offset + i * ldc + j] = sum;
            }

        OnOneThread(() => Gemm.Multiply<T>(m, n, k, a.AsSpan(offset), lda, transposeA, b.AsSpan(offset), ldb, transposeB, c.AsSpan(offset), ldc, accumulate));

        Elementwise.AssertClose(expected, c.Select(double.CreateChecked).ToArray(), tolerance * Math.Sqrt(k));
    }

    static void OnOneThread(Action multiply)
    {
        var before = Gemm.Threads;
        Gemm.SetThreads(1);
        try
        {
            multiply();
        }
        finally
        {
            Gemm.SetThreads(before);
        }
    }
}
