using System.Numerics;
using System.Runtime.InteropServices;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Parity.Engine.Numerics;

/// <summary>
/// C = op(A)·op(B) (+ C when accumulating), row-major. Calls OpenBLAS when it can be loaded (the BLAS
/// libtorch uses here), else MathNet's managed provider; PARITY_BLAS=managed forces the fallback.
/// </summary>
public static unsafe class Gemm
{
    const int RowMajor = 101, NoTrans = 111, Trans = 112;

    static readonly delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> Dgemm;
    static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm;
    static readonly delegate* unmanaged<int, void> SetThreadsExport;
    static readonly delegate* unmanaged<int> GetThreadsExport;

    /// <summary>"openblas" or "managed": which implementation multiplies.</summary>
    public static string Provider { get; }

    static Gemm()
    {
        Provider = "managed";
        if (Environment.GetEnvironmentVariable("PARITY_BLAS") == "managed" || !NativeLibrary.TryLoad("libopenblas.so.0", out var library))
            return;
        Dgemm = (delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)NativeLibrary.GetExport(library, "cblas_dgemm");
        Sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(library, "cblas_sgemm");
        SetThreadsExport = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(library, "openblas_set_num_threads");
        GetThreadsExport = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "openblas_get_num_threads");
        Provider = "openblas";
    }

    /// <summary>The BLAS's thread count (the managed fallback is single-threaded).</summary>
    public static void SetThreads(int threads)
    {
        if (SetThreadsExport != null)
            SetThreadsExport(threads);
    }

    /// <summary>The threads the BLAS multiplies with: 1 for the managed fallback.</summary>
    public static int Threads => GetThreadsExport != null ? GetThreadsExport() : 1;

    public static void Multiply<T>(Matrix<T> a, bool transposeA, Matrix<T> b, bool transposeB, Matrix<T> c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (m, k) = transposeA ? (a.Cols, a.Rows) : (a.Rows, a.Cols);
        var (kb, n) = transposeB ? (b.Cols, b.Rows) : (b.Rows, b.Cols);
        if (k != kb || c.Rows != m || c.Cols != n)
            throw new ArgumentException($"gemm shapes do not fit: op(A) [{m}, {k}] · op(B) [{kb}, {n}] → C [{c.Rows}, {c.Cols}]");
        if (m == 0 || n == 0)
            return;

        // The casts through object are checks the JIT removes once T is known.
        if (typeof(T) == typeof(double))
            Double((double[])(object)a.Data, transposeA, a.Cols, (double[])(object)b.Data, transposeB, b.Cols, (double[])(object)c.Data, m, n, k, accumulate ? 1 : 0);
        else if (typeof(T) == typeof(float))
            Single((float[])(object)a.Data, transposeA, a.Cols, (float[])(object)b.Data, transposeB, b.Cols, (float[])(object)c.Data, m, n, k, accumulate ? 1 : 0);
        else
            throw new NotSupportedException($"the engine computes in float32 or float64, not {typeof(T).Name}");
    }

    // lda, ldb: the row lengths of A and B as stored; C's is n.
    static void Double(double[] a, bool ta, int lda, double[] b, bool tb, int ldb, double[] c, int m, int n, int k, double beta)
    {
        if (Dgemm != null)
        {
            fixed (double* pa = a, pb = b, pc = c)
                Dgemm(RowMajor, ta ? Trans : NoTrans, tb ? Trans : NoTrans, m, n, k, 1.0, pa, lda, pb, ldb, beta, pc, n);
            return;
        }
        // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ over the same memory.
        LinearAlgebraControl.Provider.MatrixMultiplyWithUpdate(
            tb ? Transpose.Transpose : Transpose.DontTranspose, ta ? Transpose.Transpose : Transpose.DontTranspose,
            1.0, b, ldb, tb ? n : k, a, lda, ta ? k : m, beta, c);
    }

    static void Single(float[] a, bool ta, int lda, float[] b, bool tb, int ldb, float[] c, int m, int n, int k, float beta)
    {
        if (Sgemm != null)
        {
            fixed (float* pa = a, pb = b, pc = c)
                Sgemm(RowMajor, ta ? Trans : NoTrans, tb ? Trans : NoTrans, m, n, k, 1f, pa, lda, pb, ldb, beta, pc, n);
            return;
        }
        LinearAlgebraControl.Provider.MatrixMultiplyWithUpdate(
            tb ? Transpose.Transpose : Transpose.DontTranspose, ta ? Transpose.Transpose : Transpose.DontTranspose,
            1f, b, ldb, tb ? n : k, a, lda, ta ? k : m, beta, c);
    }
}
