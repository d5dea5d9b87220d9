using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Parity.Engine.Numerics;

/// <summary>
/// C = op(A)·op(B) (+ C when accumulating), row-major. Calls OpenBLAS when it can be loaded (Debian's
/// libopenblas0-pthread; the TorchSharp twin multiplies with its own oneMKL), else MathNet's managed
/// provider; PARITY_BLAS=managed forces the fallback. On a CPU with 512-bit vectors, the products that
/// run on one thread (a row-split part's, or all of them on one thread) go to <see cref="PackedGemm{T}"/>
/// instead, unless PARITY_BLAS=openblas.
/// </summary>
public static unsafe class Gemm
{
    const int RowMajor = 101, NoTrans = 111, Trans = 112;

    static readonly delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> Dgemm;
    static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm;
    static readonly delegate* unmanaged<int, int, int, int, double, double*, int, double*, int, double, double*, int, void> Dgemv;
    static readonly delegate* unmanaged<int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemv;
    static readonly delegate* unmanaged<int, void> SetThreadsExport;

    /// <summary>"openblas" or "managed": which implementation multiplies.</summary>
    public static string Provider { get; }

    /// <summary>
    /// OpenBLAS's kernel for this CPU's vector instructions (<see cref="OpenBlasCore"/>: "SkylakeX", "Haswell";
    /// OPENBLAS_CORETYPE chooses another, and without AVX2 OpenBLAS chooses by the CPU's model), or
    /// "managed": the kernel sets the order of a product's sums, and with it the last bits of every result.
    /// </summary>
    public static string Kernel { get; }

    /// <summary>Whether <see cref="PackedGemm{T}"/> takes the products that run on one thread.</summary>
    public static bool Packed { get; }

    /// <summary>
    /// Whether <see cref="PackedGemm{T}"/> takes every product, of any shape and thread count, because
    /// OpenBLAS runs one of its SSE kernels (the user named one, as <see cref="OpenBlasCore"/> otherwise names a
    /// vector kernel on a CPU with 512-bit vectors): Prescott's read 7–16 GFLOP/s on one thread where the
    /// packed kernel read 12–81, at every shape of the built-in specs but conv1's k = 9 in float32.
    /// </summary>
    public static bool PackedForAll { get; }

    // OpenBLAS's kernels with 256-bit FMA or wider (the names openblas_get_corename gives).
    static readonly string[] VectorKernels = ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"];

    /// <summary>The OpenBLAS library when it was wanted and could not be loaded, so the fallback multiplies; else null.</summary>
    public static string? Missing { get; }

    static Gemm()
    {
        const string openBlas = "libopenblas.so.0";
        Provider = Kernel = "managed";
        var chosen = Environment.GetEnvironmentVariable("PARITY_BLAS");
        if (chosen == "managed")
            return;
        if (!OpenBlasCore.TryLoad(openBlas, out var library))
        {
            Missing = openBlas;
            return;
        }
        Dgemm = (delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)NativeLibrary.GetExport(library, "cblas_dgemm");
        Sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(library, "cblas_sgemm");
        Dgemv = (delegate* unmanaged<int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)NativeLibrary.GetExport(library, "cblas_dgemv");
        Sgemv = (delegate* unmanaged<int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(library, "cblas_sgemv");
        SetThreadsExport = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(library, "openblas_set_num_threads");
        Provider = "openblas";
        Packed = chosen != "openblas" && Vector512.IsHardwareAccelerated;
        Kernel = Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<byte*>)NativeLibrary.GetExport(library, "openblas_get_corename"))()) ?? "unknown";
        PackedForAll = Packed && !VectorKernels.Contains(Kernel, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The thread count of the last <see cref="SetThreads"/> (at first, the cores): the engine's own parallel work follows it too.</summary>
    public static int Threads { get; private set; } = Environment.ProcessorCount;

    /// <summary>
    /// The engine's thread count, and the BLAS's (the managed fallback is single-threaded). OpenBLAS
    /// keeps one thread pool per process; TorchSharp's products have their own threads, set apart.
    /// </summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        SetBlasThreads(threads);
    }

    /// <summary>The BLAS's threads alone: 1 while the engine runs products on threads of its own (<see cref="RowSplit{T}"/>), then back.</summary>
    internal static void SetBlasThreads(int threads)
    {
        _blasThreads = threads;
        if (SetThreadsExport != null)
            SetThreadsExport(threads);
    }

    // The BLAS's thread count as last set (OpenBLAS starts on every core): a product made while it is 1
    // runs on one thread, the packed kernel's case.
    static volatile int _blasThreads = Environment.ProcessorCount;

    public static void Multiply<T>(Matrix<T> a, bool transposeA, Matrix<T> b, bool transposeB, Matrix<T> c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (m, k) = transposeA ? (a.Cols, a.Rows) : (a.Rows, a.Cols);
        var (kb, n) = transposeB ? (b.Cols, b.Rows) : (b.Rows, b.Cols);
        if (k != kb || c.Rows != m || c.Cols != n)
            throw new ArgumentException($"gemm shapes do not fit: op(A) [{m}, {k}] · op(B) [{kb}, {n}] → C [{c.Rows}, {c.Cols}]");
        if (m == 0 || n == 0)
            return;
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
            throw new NotSupportedException($"the engine computes in float32 or float64, not {typeof(T).Name}");

        // lda, ldb: the row lengths of A and B as stored; C's is n.
        var (lda, ldb) = (a.Cols, b.Cols);
        if (Dgemm == null)
        {
            // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ over the same memory.
            ((ILinearAlgebraProvider<T>)LinearAlgebraControl.Provider).MatrixMultiplyWithUpdate(
                transposeB ? Transpose.Transpose : Transpose.DontTranspose, transposeA ? Transpose.Transpose : Transpose.DontTranspose,
                T.One, b.Data, ldb, transposeB ? n : k, a.Data, lda, transposeA ? k : m, accumulate ? T.One : T.Zero, c.Data);
            return;
        }
        fixed (T* pa = a.Data, pb = b.Data, pc = c.Data)
        {
            // A product with one output column or row is a matrix-vector product: gemv skips gemm's packing,
            // several times faster at these shapes (a layer of one output, a bias gradient).
            if (n == 1)
                Gemv(transposeA, a.Rows, a.Cols, pa, pb, pc, accumulate);
            else if (m == 1)
                Gemv(!transposeB, b.Rows, b.Cols, pb, pa, pc, accumulate);
            else
                Blas(transposeA, transposeB, m, n, k, pa, lda, pb, ldb, pc, n, accumulate);
        }
    }

    /// <summary>
    /// C = op(A)·op(B) (+ C), op(A) [m, k] and op(B) [k, n], on blocks of larger arrays whose rows are
    /// <paramref name="lda"/>, <paramref name="ldb"/> and <paramref name="ldc"/> values apart: one head of
    /// one sample in attention, its q, k and v columns of the sequence's [T, 3C] taken where they lie.
    /// </summary>
    public static void Multiply<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, bool transposeA, ReadOnlySpan<T> b, int ldb, bool transposeB, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The BLAS reads and writes through pointers: every block must lie inside its span.
        if (Reach(transposeA ? k : m, transposeA ? m : k, lda) > a.Length || Reach(transposeB ? n : k, transposeB ? k : n, ldb) > b.Length || Reach(m, n, ldc) > c.Length)
            throw new ArgumentException($"gemm blocks do not fit their arrays: op(A) [{m}, {k}] rows {lda} apart in {a.Length}, op(B) [{k}, {n}] rows {ldb} apart in {b.Length}, C [{m}, {n}] rows {ldc} apart in {c.Length}");
        if (m == 0 || n == 0)
            return;
        if (Dgemm == null)
        {
            // MathNet's provider takes whole arrays, not blocks: the fallback multiplies here, plainly.
            for (var i = 0; i < m; i++)
                for (var j = 0; j < n; j++)
                {
                    var sum = accumulate ? c[i * ldc + j] : T.Zero;
                    for (var p = 0; p < k; p++)
                        sum += a[transposeA ? p * lda + i : i * lda + p] * b[transposeB ? j * ldb + p : p * ldb + j];
                    c[i * ldc + j] = sum;
                }
            return;
        }
        fixed (T* pa = a, pb = b, pc = c)
            Blas(transposeA, transposeB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
    }

    // The values a block of that many rows and columns, rows ld apart, spans.
    static long Reach(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;

    /// <summary>The widest, and longest in k, a B taken transposed is copied to be multiplied plainly.</summary>
    const int NarrowTransposed = 32;

    static void Blas<T>(bool transposeA, bool transposeB, int m, int n, int k, T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (PackedForAll || Packed && _blasThreads == 1 && PackedGemm<T>.Takes(m, n, k, transposeB))
        {
            // On more than one of the BLAS's threads, which only happens here where the packed kernel takes every
            // product, the product is shared among them.
            if (!ProductFork.Multiply(_blasThreads, transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate))
                PackedGemm<T>.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }
        // A·Bᵀ with a small B — a narrow layer's forward, X·Wᵀ — is multiplied as A·(Bᵀ copied): OpenBLAS's kernels for
        // a transposed B are its slow ones at such shapes, and the copy and a plain product took 0.36–0.85 of their time
        // (SkylakeX, one thread): the disk MLP's 250 × 25 · (25 × 25)ᵀ in float64 0.71, at k = 2 0.77, with 1,000 rows
        // 0.65. At k = 64 the ratio went from 0.48 to 1.76 by shape, so a longer B stays as it is.
        if (transposeB && n < NarrowTransposed && k <= NarrowTransposed)
        {
            // At most 32 × 32 values, on the stack: a step allocates nothing. It lasts until Blas returns.
            T* copied = stackalloc T[k * n];
            for (var j = 0; j < n; j++)
                for (var p = 0; p < k; p++)
                    copied[p * n + j] = b[(long)j * ldb + p];
            b = copied;
            (ldb, transposeB) = (n, false);
        }
        var (ta, tb) = (transposeA ? Trans : NoTrans, transposeB ? Trans : NoTrans);
        // The type tests are constants once T is known: the JIT keeps one branch.
        if (typeof(T) == typeof(double))
            Dgemm(RowMajor, ta, tb, m, n, k, 1.0, (double*)a, lda, (double*)b, ldb, accumulate ? 1.0 : 0.0, (double*)c, ldc);
        else
            Sgemm(RowMajor, ta, tb, m, n, k, 1f, (float*)a, lda, (float*)b, ldb, accumulate ? 1f : 0f, (float*)c, ldc);
    }

    // y = op(A)·x (+ y), A [rows, cols] row-major, x and y contiguous.
    static void Gemv<T>(bool transpose, int rows, int cols, T* a, T* x, T* y, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var trans = transpose ? Trans : NoTrans;
        if (typeof(T) == typeof(double))
            Dgemv(RowMajor, trans, rows, cols, 1.0, (double*)a, cols, (double*)x, 1, accumulate ? 1.0 : 0.0, (double*)y, 1);
        else
            Sgemv(RowMajor, trans, rows, cols, 1f, (float*)a, cols, (float*)x, 1, accumulate ? 1f : 0f, (float*)y, 1);
    }
}
