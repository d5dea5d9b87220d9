using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Parity.Engine.Numerics;

/// <summary>A dense row-major matrix; every activation, gradient and parameter of the engine is one.</summary>
public sealed class Matrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Matrix(int rows, int cols)
        : this(rows, cols, new T[rows * cols])
    {
    }

    Matrix(int rows, int cols, T[] data) => (Rows, Cols, Data) = (rows, cols, data);

    public int Rows { get; }
    public int Cols { get; }
    public T[] Data { get; }

    public T this[int row, int col]
    {
        get => Data[row * Cols + col];
        set => Data[row * Cols + col] = value;
    }

    public Span<T> Row(int row) => Data.AsSpan(row * Cols, Cols);

    /// <summary>
    /// The buffer a module writes into: kept while the shape stays the same (the steady state of
    /// training), replaced when it changes (the last short batch, an evaluation pass).
    /// </summary>
    public static Matrix<T> Reuse(ref Matrix<T>? buffer, int rows, int cols)
    {
        if (buffer is null || buffer.Rows != rows || buffer.Cols != cols)
            buffer = new Matrix<T>(rows, cols);
        return buffer;
    }

    /// <summary>
    /// <paramref name="source"/>'s values seen as [<paramref name="rows"/>, <paramref name="cols"/>], the
    /// same array (a sequence's [rows, T·C] as [rows·T, C]): the source itself when the shape is its own,
    /// else the view kept in <paramref name="view"/> while it still fits, so that steady-state steps allocate nothing.
    /// </summary>
    public static Matrix<T> View(ref Matrix<T>? view, Matrix<T> source, int rows, int cols)
    {
        if (rows == source.Rows && cols == source.Cols)
            return source;
        if ((long)rows * cols != source.Data.Length)
            throw new ArgumentException($"a [{source.Rows}, {source.Cols}] matrix cannot be seen as [{rows}, {cols}]");
        if (view is null || view.Data != source.Data || view.Rows != rows || view.Cols != cols)
            view = new Matrix<T>(rows, cols, source.Data);
        return view;
    }

    /// <summary>
    /// Adds <paramref name="row"/> to every row (a bias): one addition per element. A row of at most half of
    /// <see cref="PatternValues"/> is repeated into a pattern of whole rows, and the matrix is added to a pattern's
    /// length at a time; a wider one a row at a time. A vectorised add per row, most of it a call and a tail for a
    /// narrow row, took (float64, one thread, tiered-up code) 9.8 µs for 1000 rows of 25 where this takes 4.3,
    /// 2.0 µs for 1000 rows of 1 (0.17), and 11.4 µs for 256 rows of 128 (5.6).
    /// </summary>
    [SkipLocalsInit]
    public void AddToRows(ReadOnlySpan<T> row)
    {
        if (row.Length != Cols)
            throw new ArgumentException($"a row of {row.Length} values for a [{Rows}, {Cols}] matrix");
        if (Rows == 0 || Cols == 0)
            return;
        if (2 * Cols > PatternValues)
        {
            for (var r = 0; r < Rows; r++)
                TensorPrimitives.Add(Row(r), row, Row(r));
            return;
        }
        Span<T> pattern = stackalloc T[Math.Min(PatternValues / Cols, Rows) * Cols];
        // The row, then the pattern so far copied after itself until it is full.
        row.CopyTo(pattern);
        for (var filled = Cols; filled < pattern.Length; filled *= 2)
            pattern[..Math.Min(filled, pattern.Length - filled)].CopyTo(pattern[filled..]);
        var data = Data.AsSpan();
        for (var start = 0; start < data.Length; start += pattern.Length)
        {
            var block = data.Slice(start, Math.Min(pattern.Length, data.Length - start));
            TensorPrimitives.Add(block, pattern[..block.Length], block);
        }
    }

    /// <summary>The values of the pattern of whole rows <see cref="AddToRows"/> adds at a time: 4 KiB of float64 on the stack.</summary>
    const int PatternValues = 512;

    /// <summary>
    /// sums[j] += Σ_r this[r, j], adding the rows in order as libtorch's sum over dim 0 does (a float32
    /// bias gradient summed in another order sends lockstep training 600× further from libtorch). A matrix
    /// of at least <see cref="RowWiseSumColumns"/> columns is added a row at a time onto the sums, which stay
    /// in the cache while the rows stream past; a narrower one in strips of a vector's columns, eight strips a
    /// pass (<see cref="AddStripSumsTo"/>), each column's running sum held in a register; one narrower than a
    /// vector a column at a time. All add each column's values in the same order: the same bits.
    /// </summary>
    public void AddColumnSumsTo(Span<T> sums)
    {
        if (sums.Length != Cols)
            throw new ArgumentException($"{sums.Length} sums for a [{Rows}, {Cols}] matrix");
        if (Cols >= RowWiseSumColumns)
        {
            for (var r = 0; r < Rows; r++)
                TensorPrimitives.Add(sums, Row(r), sums);
            return;
        }
        if (Cols < Vector<T>.Count)
        {
            for (var j = 0; j < Cols; j++)
            {
                var sum = sums[j];
                for (var r = 0; r < Rows; r++)
                    sum += Data[r * Cols + j];
                sums[j] = sum;
            }
            return;
        }
        var strips = (Cols + Vector<T>.Count - 1) / Vector<T>.Count;
        for (var first = 0; first < strips; first += StripsAtOnce)
            AddStripSumsTo(sums, first, Math.Min(StripsAtOnce, strips - first), strips);
    }

    /// <summary>
    /// Column strips <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 summed in one pass
    /// over the rows, one register each: the strips' additions are independent chains, so a row costs the adds'
    /// throughput rather than one add's latency per strip (float64, one thread, tiered-up code: 1000 rows of 25 took
    /// 8.0 µs a strip at a time and take 3.3, 256 rows of 32 3.2 and 0.84). The last strip ends at the last column,
    /// over lanes of the one before when the columns are not a multiple of a vector, and stores only its own lanes.
    /// </summary>
    void AddStripSumsTo(Span<T> sums, int first, int count, int strips)
    {
        var width = Vector<T>.Count;
        int Start(int strip) => Math.Min(strip * width, Cols - width);
        int o0 = Start(first), o1 = Start(first + 1), o2 = Start(first + 2), o3 = Start(first + 3),
            o4 = Start(first + 4), o5 = Start(first + 5), o6 = Start(first + 6), o7 = Start(first + 7);
        ReadOnlySpan<T> start = sums;
        Vector<T> s0 = new(start[o0..]), s1 = new(start[o1..]), s2 = new(start[o2..]), s3 = new(start[o3..]),
            s4 = new(start[o4..]), s5 = new(start[o5..]), s6 = new(start[o6..]), s7 = new(start[o7..]);
        // Unchecked loads: every offset is at most Cols − width, so each load lies inside its row.
        ref var row = ref MemoryMarshal.GetArrayDataReference(Data);
        for (var r = 0; r < Rows; r++, row = ref Unsafe.Add(ref row, Cols))
        {
            s0 += Vector.LoadUnsafe(ref row, (nuint)o0);
            if (count > 1) s1 += Vector.LoadUnsafe(ref row, (nuint)o1);
            if (count > 2) s2 += Vector.LoadUnsafe(ref row, (nuint)o2);
            if (count > 3) s3 += Vector.LoadUnsafe(ref row, (nuint)o3);
            if (count > 4) s4 += Vector.LoadUnsafe(ref row, (nuint)o4);
            if (count > 5) s5 += Vector.LoadUnsafe(ref row, (nuint)o5);
            if (count > 6) s6 += Vector.LoadUnsafe(ref row, (nuint)o6);
            if (count > 7) s7 += Vector.LoadUnsafe(ref row, (nuint)o7);
        }
        ReadOnlySpan<Vector<T>> totals = [s0, s1, s2, s3, s4, s5, s6, s7];
        Span<T> lanes = stackalloc T[width];
        for (var k = 0; k < count; k++)
        {
            // The last strip's own lanes are those past the strip before it.
            var own = first + k == strips - 1 ? Cols - (strips - 1) * width : width;
            totals[k].CopyTo(lanes);
            lanes[(width - own)..].CopyTo(sums[(Start(first + k) + width - own)..]);
        }
    }

    /// <summary>Column strips summed in one pass: eight chains of four-cycle adds keep two adders busy.</summary>
    const int StripsAtOnce = 8;

    /// <summary>
    /// Column strips walk the rows at a stride of a whole row, a new cache line and every few rows a new page
    /// per load, which the prefetcher does not follow: at 2048 rows of 512 float32 columns (a GPT's MLP bias)
    /// they took 614 µs where rows added onto the sums took 204, at 384 columns 347 against 118, at 128 67
    /// against 38, at 70 34 against 19 (256 × 100 float64: 6.4 against 3.7). At 32 columns and fewer a row is
    /// too short for the row-at-a-time call (2048 × 25: 10 against 19 µs; 1000 × 1 float64: 0.6 against 4.2).
    /// </summary>
    const int RowWiseSumColumns = 64;

    public static Matrix<T> From(int rows, int cols, ReadOnlySpan<double> values)
    {
        var matrix = new Matrix<T>(rows, cols);
        matrix.CopyFrom(values);
        return matrix;
    }

    public void CopyFrom(ReadOnlySpan<double> values)
    {
        if (values.Length != Data.Length)
            throw new ArgumentException($"expected {Data.Length} values for a [{Rows}, {Cols}] matrix, got {values.Length}");
        // Rounds each float64 to the nearest T (exact for float64), vectorised.
        TensorPrimitives.ConvertTruncating(values, Data.AsSpan());
    }

    public double[] ToDoubles()
    {
        var values = new double[Data.Length];
        CopyTo(values);
        return values;
    }

    public void CopyTo(Span<double> values)
    {
        if (values.Length != Data.Length)
            throw new ArgumentException($"a [{Rows}, {Cols}] matrix has {Data.Length} values, the destination holds {values.Length}");
        TensorPrimitives.ConvertTruncating<T, double>(Data, values);
    }
}
