using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Parity.Engine.Numerics;

/// <summary>
/// C = op(A)·op(B) (+ C) on one thread with 512-bit vectors, for the CPUs that have them. Some machines
/// Parity runs on pin OpenBLAS to its Haswell kernel (256-bit), since its AVX-512 kernel computes wrong
/// results on some of them; on a core with full-width 512-bit units that leaves half the core unused, and
/// this kernel ran 1.7× OpenBLAS's Haswell one on one thread (a Zen 5: 1024² float32 and float64 products,
/// and the Fashion MLP's per-part shapes 1.4–1.8×). Others leave OpenBLAS to choose, and Debian's knows
/// no kernel for a 5th-generation Xeon and falls back to an SSE one: there this kernel takes every product
/// (<see cref="Gemm.PackedForAll"/>).
/// The layout is the usual one of BLIS and GotoBLAS: op(B) is packed a block of <see cref="DepthBlock"/>
/// rows by <see cref="WidthBlock"/> columns at a time into panels <see cref="Width"/> wide, op(A) a block
/// of <see cref="HeightBlock"/> rows into panels <see cref="Height"/> high, each panel k-major, and a
/// register tile of Height × Width outputs (24 vector accumulators) runs down one A panel and one B panel.
/// A product narrower than <see cref="DirectWidth"/> reads op(A) where it lies instead of packing it.
/// Every output is the same sums in the same order whatever the thread and whatever block it lies in:
/// over k in blocks of <see cref="DepthBlock"/>, each block's sum added to C in turn.
/// </summary>
static unsafe class PackedGemm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows of the register tile, and its columns: two vectors.</summary>
    const int Height = 12;
    static int Width => 2 * Vector512<T>.Count;

    /// <summary>
    /// k per packed block. A B panel is 384 × 32 float32 or 384 × 16 float64, 48 KiB, as large as the L1 of the
    /// cores measured, so it is mostly read from L2 along with the A panel; 192 (half of L1) ran no faster on
    /// the 5th-generation Xeon (±5 %), and a deeper block halves how often C is read and written.
    /// </summary>
    const int DepthBlock = 384;
    /// <summary>Rows of op(A) per packed block: 96 × 384 values, 144 KiB of float32 or 288 of float64, in L2.</summary>
    const int HeightBlock = 96;
    /// <summary>Columns of op(B) per packed block: 384 × 1024 values, in the last-level cache.</summary>
    const int WidthBlock = 1024;
    /// <summary>
    /// Products narrower than this read op(A) where it lies instead of packing it: packing is worth its
    /// cost only over many B panels (at 784 columns and wider, packed ran up to 15 % faster).
    /// </summary>
    const int DirectWidth = 256;

    // Each thread packs into its own buffers, made once: a row-split part's products allocate nothing. The
    // transposed-product buffer grows to the largest such product the thread has made, once.
    [ThreadStatic] static T[]? _packedA, _packedB, _transposed;

    /// <summary>
    /// Whether this kernel takes a product of that shape from OpenBLAS. On the Zen 5 where this was first
    /// measured, OpenBLAS was faster on narrow products (the disk MLP's 25 wide: it does not pad them to a
    /// tile) and on A·Bᵀ over a few rows, where packing Bᵀ one value at a time cost as much as the product.
    /// Such a product wider than high is now made transposed (Multiply), packing the few rows instead, and
    /// on the 5th-generation Xeon it beat OpenBLAS's SkylakeX kernel on one thread (best of 15, hot caches):
    /// the Fashion CNN's conv2 weight gradient in a part, 32 × 6,272 · (144 × 6,272)ᵀ, 431–433 µs against
    /// 635–653 in float32 and 864–875 against 1,205–1,208 in float64; its first linear layer in a part,
    /// 32 × 1,568 · (128 × 1,568)ᵀ, 91–99 against 140–142 µs. A·Bᵀ over 32 to 63 rows and no wider stays
    /// with OpenBLAS, unmeasured.
    /// </summary>
    public static bool Takes(int m, int n, int k, bool transposeB) => m >= 32 && n >= 32 && k >= 16 && (!transposeB || m >= 64 || m < n);

    /// <summary>
    /// Makes this thread's pack buffers: the engine's own threads do so when they start, so that a step
    /// that first hands one of them a product allocates nothing.
    /// </summary>
    public static void Reserve()
    {
        _packedA ??= GC.AllocateUninitializedArray<T>(DepthBlock * (HeightBlock + Height), pinned: true);
        _packedB ??= GC.AllocateUninitializedArray<T>(DepthBlock * (WidthBlock + Width), pinned: true);
    }

    // Compiled fully optimized at once: the tiers' first versions of the tile, its loop replaced on the
    // stack, ran the Fashion MLP's products at 0.5–0.75 of the speed of this.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate)
    {
        Reserve();
        // No k: the product is zero, and C is set to it unless the product accumulates.
        if (k == 0)
        {
            if (!accumulate)
                for (var i = 0; i < m; i++)
                    new Span<T>(c + (long)i * ldc, n).Clear();
            return;
        }
        if (!(transposeB && m < n))
        {
            Product(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }
        // A·Bᵀ wider than it is high (a convolution's weight gradient, 32×144 over 12,544; a linear layer's
        // forward in a part) is made as Cᵀ = op(B)ᵀ·op(A)ᵀ: the operand packed one value at a time is then
        // op(A), not the wider Bᵀ. Cᵀ is made in a buffer, a whole tile stored at a time, and transposed into C
        // a square at a time: written into C directly, each tile went value by value through a buffer of its
        // own, and the Fashion MLP's first layer in a part (128 × 784 · (256 × 784)ᵀ) took 1.21–1.26× as
        // long. C accumulated goes into the buffer first; each output is the same sums added in the same
        // order, so the bits do not change.
        if (_transposed is null || _transposed.Length < (long)m * n)
            _transposed = GC.AllocateUninitializedArray<T>(m * n, pinned: true);
        fixed (T* transposed = _transposed)
        {
            if (accumulate)
                Transposition.Transpose(c, ldc, m, n, transposed, m);
            Product(false, !transposeA, n, m, k, b, ldb, a, lda, transposed, m, accumulate);
            Transposition.Transpose(transposed, m, n, m, c, ldc);
        }
    }

    /// <summary>C = op(A)·op(B) (+ C), C's rows <paramref name="ldc"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Product(bool transposeA, bool transposeB, int m, int n, int k, T* a, int lda, T* b, int ldb, T* c, long ldc, bool accumulate)
    {
        // A wide product packs each block of op(A) once for its many B panels. A narrow one reads op(A) where it
        // lies: packing it cost as much as the product (the CNN's conv2 forward, 12544×32×144, ran 3.4× faster
        // so), and its rows stay in cache over the few B panels; only a panel cut short by the block's edge is
        // packed, to be read as a whole one.
        var packs = n >= DirectWidth;
        fixed (T* packedA = _packedA, packedB = _packedB)
            for (var j0 = 0; j0 < n; j0 += WidthBlock)
            {
                var nc = Math.Min(WidthBlock, n - j0);
                for (var p0 = 0; p0 < k; p0 += DepthBlock)
                {
                    var kc = Math.Min(DepthBlock, k - p0);
                    // The first block of k writes C unless the product accumulates; the later ones add to it.
                    var add = accumulate || p0 > 0;
                    // op(B)[p0 .. p0+kc, j0 .. j0+nc]: its columns are the lines.
                    var blockB = transposeB ? b + (long)j0 * ldb + p0 : b + (long)p0 * ldb + j0;
                    Pack(blockB, transposeB ? ldb : 1, transposeB ? 1 : ldb, nc, kc, Width, packedB);
                    for (var i0 = 0; i0 < m; i0 += HeightBlock)
                    {
                        var mc = Math.Min(HeightBlock, m - i0);
                        // op(A)[i0 .. i0+mc, p0 .. p0+kc]: its rows are the lines; row r's value at k = p
                        // lies at blockA[r·across + p·along].
                        var blockA = transposeA ? a + (long)p0 * lda + i0 : a + (long)i0 * lda + p0;
                        var (across, along) = transposeA ? (1L, (long)lda) : (lda, 1L);
                        if (packs)
                            Pack(blockA, across, along, mc, kc, Height, packedA);
                        for (var j = 0; j < nc; j += Width)
                            for (var i = 0; i < mc; i += Height)
                            {
                                var rows = packs ? packedA + i * kc : blockA + i * across;
                                var (ra, ka) = packs ? (1L, (long)Height) : (across, along);
                                if (!packs && mc - i < Height)
                                {
                                    Pack(rows, across, along, mc - i, kc, Height, packedA);
                                    rows = packedA;
                                    (ra, ka) = (1, Height);
                                }
                                Tile(kc, rows, ra, ka, packedB + j * kc, c + (i0 + i) * ldc + j0 + j, ldc, Math.Min(Height, mc - i), Math.Min(Width, nc - j), add);
                            }
                    }
                }
            }
    }

    /// <summary>
    /// A block of <paramref name="count"/> lines (rows of op(A), or columns of op(B)) by
    /// <paramref name="kc"/> values of k into panels of <paramref name="size"/> lines, each panel k-major
    /// (the panel's values at one k side by side) and the last one zero-padded. Line r's value at k = p
    /// lies at source[r·across + p·along]: lines that lie side by side in memory (across = 1) are copied a
    /// stretch at a time; lines whose values along k lie side by side (along = 1, a row-major operand's
    /// rows) are transposed a square of vectors at a time; others are read one value at a time, along all
    /// of a panel's lines at once, so that the panel is written in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Pack(T* source, long across, long along, int count, int kc, int size, T* packed)
    {
        var square = Vector256<T>.Count;
        for (var first = 0; first < count; first += size)
        {
            var panel = packed + first * kc;
            var start = source + first * across;
            var lines = Math.Min(size, count - first);
            // Lines [0, squareLines) at k in [0, squaredK) go a square at a time; the rest one value at a time.
            var squareLines = across != 1 && along == 1 ? lines / square * square : 0;
            var squaredK = squareLines > 0 ? kc / square * square : 0;
            for (var p = 0; p < squaredK; p += square)
                for (var r = 0; r < squareLines; r += square)
                    Transposition.Square(start + r * across + p, across, panel + p * size + r, size);
            for (var p = 0; p < kc; p++)
            {
                var values = new Span<T>(panel + p * size, size);
                if (across == 1)
                    new ReadOnlySpan<T>(start + p * along, lines).CopyTo(values);
                else
                    for (var r = p < squaredK ? squareLines : 0; r < lines; r++)
                        values[r] = start[r * across + p * along];
                values[lines..].Clear();
            }
        }
    }

    /// <summary>One row of the tile at one k: its value of op(A) times the B panel's two vectors, added to the row's two accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Row(T value, Vector512<T> b0, Vector512<T> b1, ref Vector512<T> left, ref Vector512<T> right)
    {
        var a = Vector512.Create(value);
        left = MultiplyAdd(a, b0, left);
        right = MultiplyAdd(a, b1, right);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    /// <summary>
    /// The register tile: C[0..h, 0..w] (+)= Σₚ A[·, p]·b[p] over twelve rows of op(A), row r's value at
    /// k = p at a[r·ra + p·ka] (a packed panel, or the rows where they lie), and one B panel, C's rows
    /// <paramref name="ldc"/> apart; a tile cut by C's edge goes through a buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Tile(int kc, T* a, long ra, long ka, T* b, T* c, long ldc, int h, int w, bool add)
    {
        // Rows 0–5 from a, rows 6–11 from a second pointer six rows down, each at five offsets: eleven offsets of
        // their own, with the loop's pointers, took more registers than x64 has, and six were reloaded from the
        // stack on every k.
        long r1 = ra, r2 = 2 * ra, r3 = 3 * ra, r4 = 4 * ra, r5 = 5 * ra;
        var lower = a + 6 * ra;
        var lanes = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default,
            c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default,
            c80 = default, c81 = default, c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        // Counted by B's pointer, which frees the register of a counter of k.
        for (var end = b + (long)kc * 2 * lanes; b < end; )
        {
            var (b0, b1) = (Vector512.Load(b), Vector512.Load(b + lanes));
            Row(a[0], b0, b1, ref c00, ref c01); Row(a[r1], b0, b1, ref c10, ref c11); Row(a[r2], b0, b1, ref c20, ref c21);
            Row(a[r3], b0, b1, ref c30, ref c31); Row(a[r4], b0, b1, ref c40, ref c41); Row(a[r5], b0, b1, ref c50, ref c51);
            Row(lower[0], b0, b1, ref c60, ref c61); Row(lower[r1], b0, b1, ref c70, ref c71); Row(lower[r2], b0, b1, ref c80, ref c81);
            Row(lower[r3], b0, b1, ref c90, ref c91); Row(lower[r4], b0, b1, ref ca0, ref ca1); Row(lower[r5], b0, b1, ref cb0, ref cb1);
            a += ka;
            lower += ka;
            b += 2 * lanes;
        }
        var full = h == Height && w == 2 * lanes;
        // A cut tile is written whole into a buffer of its own width, then its h × w corner into C.
        var buffer = stackalloc T[full ? 0 : Height * 2 * lanes];
        var target = full ? c : buffer;
        var stride = full ? ldc : 2 * lanes;
        var adds = full && add;
        Store(target, lanes, adds, c00, c01); Store(target + stride, lanes, adds, c10, c11);
        Store(target + 2 * stride, lanes, adds, c20, c21); Store(target + 3 * stride, lanes, adds, c30, c31);
        Store(target + 4 * stride, lanes, adds, c40, c41); Store(target + 5 * stride, lanes, adds, c50, c51);
        Store(target + 6 * stride, lanes, adds, c60, c61); Store(target + 7 * stride, lanes, adds, c70, c71);
        Store(target + 8 * stride, lanes, adds, c80, c81); Store(target + 9 * stride, lanes, adds, c90, c91);
        Store(target + 10 * stride, lanes, adds, ca0, ca1); Store(target + 11 * stride, lanes, adds, cb0, cb1);
        if (full)
            return;
        for (var r = 0; r < h; r++)
            for (var j = 0; j < w; j++)
            {
                ref var output = ref c[r * ldc + j];
                output = add ? output + buffer[r * 2 * lanes + j] : buffer[r * 2 * lanes + j];
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(T* row, int lanes, bool add, Vector512<T> left, Vector512<T> right)
    {
        (add ? Vector512.Load(row) + left : left).Store(row);
        (add ? Vector512.Load(row + lanes) + right : right).Store(row + lanes);
    }
}
