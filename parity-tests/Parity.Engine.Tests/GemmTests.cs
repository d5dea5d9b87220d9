using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Tests;

/// <summary>
/// C = op(A)·op(B) (+ C) with op(A) [3, k] and op(B) [k, 4], against a naive triple loop in float64:
/// k = 5, and a long k = 5000.
/// </summary>
public class GemmTests
{
    const int M = 3, N = 4;

    public static IEnumerable<object[]> Cases =>
        from transposeA in new[] { false, true }
        from transposeB in new[] { false, true }
        from accumulate in new[] { false, true }
        from k in new[] { 5, 5000 }
        select new object[] { transposeA, transposeB, accumulate, k };

    [Theory, MemberData(nameof(Cases))]
    public void DoubleMatchesNaiveProduct(bool transposeA, bool transposeB, bool accumulate, int k) =>
        CheckAgainstNaiveProduct<double>(transposeA, transposeB, accumulate, k, k == 5 ? 1e-14 : 1e-11);

    [Theory, MemberData(nameof(Cases))]
    public void SingleMatchesNaiveProduct(bool transposeA, bool transposeB, bool accumulate, int k) =>
        CheckAgainstNaiveProduct<float>(transposeA, transposeB, accumulate, k, k == 5 ? 1e-5 : 1e-3);

    [Theory]
    [InlineData(3, 5, false, 4, 4, false, 3, 4)]   // inner sizes 5 and 4
    [InlineData(3, 5, true, 5, 4, false, 3, 4)]    // op(A) = Aᵀ is [5, 3]
    [InlineData(3, 5, false, 5, 4, true, 3, 4)]    // op(B) = Bᵀ is [4, 5]
    [InlineData(3, 5, false, 5, 4, false, 4, 3)]   // C should be [3, 4]
    public void ShapesThatDoNotFitThrow(int aRows, int aCols, bool transposeA, int bRows, int bCols, bool transposeB, int cRows, int cCols) =>
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(
            new Matrix<double>(aRows, aCols), transposeA, new Matrix<double>(bRows, bCols), transposeB, new Matrix<double>(cRows, cCols), accumulate: false));

    public static IEnumerable<object[]> BlockCases =>
        from transposeA in new[] { false, true }
        from transposeB in new[] { false, true }
        from accumulate in new[] { false, true }
        select new object[] { transposeA, transposeB, accumulate };

    [Theory, MemberData(nameof(BlockCases))]
    public void BlocksOfLargerArraysMatchNaiveProductAndLeaveTheRestAlone(bool transposeA, bool transposeB, bool accumulate)
    {
        const int k = 5;
        // op(A) [3, 5] and op(B) [5, 4] at offsets 2 and 3 of arrays whose rows are 9 and 7 long; C [3, 4] at offset 1, rows 6 apart.
        const int lda = 9, ldb = 7, ldc = 6, offsetA = 2, offsetB = 3, offsetC = 1;
        var random = new Random(6);
        var a = Enumerable.Range(0, 9 * lda).Select(_ => 2 * random.NextDouble() - 1).ToArray();
        var b = Enumerable.Range(0, 9 * ldb).Select(_ => 2 * random.NextDouble() - 1).ToArray();
        var c = Enumerable.Range(0, M * ldc + offsetC).Select(_ => 2 * random.NextDouble() - 1).ToArray();
        double A(int i, int p) => transposeA ? a[offsetA + p * lda + i] : a[offsetA + i * lda + p];
        double B(int p, int j) => transposeB ? b[offsetB + j * ldb + p] : b[offsetB + p * ldb + j];
        var expected = (double[])c.Clone();
        for (var i = 0; i < M; i++)
            for (var j = 0; j < N; j++)
                expected[offsetC + i * ldc + j] = (accumulate ? c[offsetC + i * ldc + j] : 0) + Enumerable.Range(0, k).Sum(p => A(i, p) * B(p, j));

        Gemm.Multiply<double>(M, N, k, a.AsSpan(offsetA), lda, transposeA, b.AsSpan(offsetB), ldb, transposeB, c.AsSpan(offsetC), ldc, accumulate);

        Elementwise.AssertClose(expected, c, 1e-14);
    }

    /// <summary>
    /// A·Bᵀ with B at most 32 × 32 (the disk MLP's forward, 250 rows · (25 × 25)ᵀ in float64) is A times Bᵀ copied,
    /// bit for bit: the BLAS's kernels for a transposed B sum in another order, and took 1.2–2.8× the time at such shapes.
    /// </summary>
    [Theory]
    [InlineData(250, 25, 25)]
    [InlineData(1000, 25, 2)]
    public void ANarrowTransposedBIsMultipliedAsItsCopy(int m, int n, int k)
    {
        var random = new Random(7);
        var a = RandomMatrix<double>(m, k, random);
        var b = RandomMatrix<double>(n, k, random);
        var copy = new Matrix<double>(k, n);
        for (var j = 0; j < n; j++)
            for (var p = 0; p < k; p++)
                copy[p, j] = b[j, p];
        var (transposed, plain) = (new Matrix<double>(m, n), new Matrix<double>(m, n));

        Gemm.Multiply(a, false, b, true, transposed, accumulate: false);
        Gemm.Multiply(a, false, copy, false, plain, accumulate: false);

        Assert.Equal(plain.Data, transposed.Data);
    }

    [Fact]
    public void ABlockReachingPastItsArrayThrows() =>
        Assert.Throws<ArgumentException>(() => Gemm.Multiply<double>(3, 4, 5, new double[14], 5, false, new double[20], 4, false, new double[12], 4, accumulate: false));

    static void CheckAgainstNaiveProduct<T>(bool transposeA, bool transposeB, bool accumulate, int K, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(5);
        var a = RandomMatrix<T>(transposeA ? K : M, transposeA ? M : K, random);
        var b = RandomMatrix<T>(transposeB ? N : K, transposeB ? K : N, random);
        // Filled either way: without accumulate its old values must be overwritten, not added to.
        var c = RandomMatrix<T>(M, N, random);
        var expected = new double[M * N];
        for (var i = 0; i < M; i++)
            for (var j = 0; j < N; j++)
            {
                var sum = accumulate ? double.CreateChecked(c[i, j]) : 0;
                for (var k = 0; k < K; k++)
                    sum += double.CreateChecked(transposeA ? a[k, i] : a[i, k]) * double.CreateChecked(transposeB ? b[j, k] : b[k, j]);
                expected[i * N + j] = sum;
            }

        Gemm.Multiply(a, transposeA, b, transposeB, c, accumulate);

        Elementwise.AssertClose(expected, c.ToDoubles(), tolerance);
    }

    static Matrix<T> RandomMatrix<T>(int rows, int cols, Random random) where T : unmanaged, IFloatingPointIeee754<T> =>
        Matrix<T>.From(rows, cols, Enumerable.Range(0, rows * cols).Select(_ => 2 * random.NextDouble() - 1).ToArray());
}
