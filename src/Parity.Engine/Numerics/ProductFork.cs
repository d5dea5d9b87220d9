using System.Numerics;

namespace Parity.Engine.Numerics;

/// <summary>
/// One product of the packed kernel shared among the engine's threads where it would otherwise run on one: on a
/// CPU whose OpenBLAS falls back to an SSE kernel (<see cref="Gemm.PackedForAll"/>), the products of an unsplit
/// step and of evaluation. C is cut across its longer side into a stripe per thread, each stripe a product of its
/// own, and every output is the same sums in the same order whichever stripe it lies in: the bits do not depend
/// on the threads. The threads are made once and a product allocates nothing; a product asked for while another
/// is being shared (two engines multiplying at once in one process) runs on its caller alone.
/// </summary>
static unsafe class ProductFork
{
    /// <summary>Multiply-adds from which a product is worth waking a thread for: 2 MFLOP, some 30 µs of one thread's work here.</summary>
    public const long MinWork = 1L << 20;

    /// <summary>Stripes are cut at multiples of this many rows or columns: a float32 register tile's width, two of float64's.</summary>
    const int Unit = 32;

    static readonly object Sharing = new();
    static readonly Signal Done = new();
    static Worker[] _workers = [];
    static Action<int>? _work;
    static int _remaining;

    /// <summary>C = op(A)·op(B) (+ C) on <paramref name="threads"/> threads, if it is worth it and no other product is being shared: whether it ran.</summary>
    public static bool Multiply<T>(int threads, bool transposeA, bool transposeB, int m, int n, int k, T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var stripes = Math.Min(threads, (Math.Max(m, n) + Unit - 1) / Unit);
        if (stripes < 2 || (long)m * n * k < MinWork || !Monitor.TryEnter(Sharing))
            return false;
        try
        {
            if (_workers.Length < stripes - 1)
                _workers = [.. _workers, .. Enumerable.Range(_workers.Length + 1, stripes - 1 - _workers.Length).Select(i => new Worker(i))];
            Stripes<T>.Set(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, stripes);
            _work = Stripes<T>.Run;
            Volatile.Write(ref _remaining, stripes - 1);
            for (var w = 0; w < stripes - 1; w++)
                _workers[w].Wake();
            Stripes<T>.Run(0);
            Done.Wait();
            if (Stripes<T>.Error is { } error)
            {
                Stripes<T>.Error = null;
                throw new InvalidOperationException($"a stripe of a product failed: {error.Message}", error);
            }
            return true;
        }
        finally
        {
            Monitor.Exit(Sharing);
        }
    }

    /// <summary>The product being shared, for each element type: stripe s of it is a product of its own.</summary>
    static class Stripes<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        static bool _transposeA, _transposeB, _accumulate;
        static int _m, _n, _k, _lda, _ldb, _ldc, _count;
        static T* _a, _b, _c;
        public static Exception? Error;

        // Made once: handing it to the workers allocates nothing.
        public static readonly Action<int> Run = RunStripe;

        public static void Set(bool transposeA, bool transposeB, int m, int n, int k, T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate, int count)
        {
            (_transposeA, _transposeB, _accumulate, _m, _n, _k, _lda, _ldb, _ldc, _count) = (transposeA, transposeB, accumulate, m, n, k, lda, ldb, ldc, count);
            _a = a;
            _b = b;
            _c = c;
        }

        static void RunStripe(int stripe)
        {
            // C is cut across its longer side, as Multiply counted the stripes.
            var rows = _m >= _n;
            var size = rows ? _m : _n;
            var units = (size + Unit - 1) / Unit;
            int Edge(int s) => Math.Min(size, units * s / _count * Unit);
            var (from, to) = (Edge(stripe), Edge(stripe + 1));
            if (from >= to)
                return;
            try
            {
                // Rows [from, to) of C are rows of op(A); columns, columns of op(B).
                if (rows)
                    PackedGemm<T>.Multiply(_transposeA, _transposeB, to - from, _n, _k, _transposeA ? _a + from : _a + (long)from * _lda, _lda, _b, _ldb, _c + (long)from * _ldc, _ldc, _accumulate);
                else
                    PackedGemm<T>.Multiply(_transposeA, _transposeB, _m, to - from, _k, _a, _lda, _transposeB ? _b + (long)from * _ldb : _b + from, _ldb, _c + from, _ldc, _accumulate);
            }
            catch (Exception e)
            {
                Error ??= e;
            }
        }
    }

    sealed class Worker
    {
        readonly Signal _wake = new();
        readonly int _stripe;

        /// <summary>The thread that runs stripe <paramref name="stripe"/> (the caller runs stripe 0).</summary>
        public Worker(int stripe)
        {
            _stripe = stripe;
            new Thread(Loop) { IsBackground = true, Name = "parity engine product" }.Start();
        }

        public void Wake() => _wake.Set();

        void Loop()
        {
            // Both element types' pack buffers at once, so that no product allocates on this thread.
            PackedGemm<float>.Reserve();
            PackedGemm<double>.Reserve();
            while (true)
            {
                _wake.Wait();
                _work!.Invoke(_stripe);
                if (Interlocked.Decrement(ref _remaining) == 0)
                    Done.Set();
            }
        }
    }
}
