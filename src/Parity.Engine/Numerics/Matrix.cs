using System.Numerics;
using System.Numerics.Tensors;

namespace Parity.Engine.Numerics;

/// <summary>A dense row-major matrix; every activation, gradient and parameter of the engine is one.</summary>
public sealed class Matrix<T>(int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
{
    public int Rows { get; } = rows;
    public int Cols { get; } = cols;
    public T[] Data { get; } = new T[rows * cols];

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

    /// <summary>A [1, cols] row of ones kept in <paramref name="buffer"/> (the vector that turns a product into column sums).</summary>
    public static Matrix<T> Ones(ref Matrix<T>? buffer, int cols)
    {
        if (buffer is null || buffer.Cols != cols)
        {
            buffer = new Matrix<T>(1, cols);
            Array.Fill(buffer.Data, T.One);
        }
        return buffer;
    }

    /// <summary>Every row set to <paramref name="row"/>: one row copied, then the filled part doubled, so a thousand narrow rows take ten copies, not a thousand.</summary>
    public void FillRows(ReadOnlySpan<T> row)
    {
        if (row.Length != Cols)
            throw new ArgumentException($"a row of {row.Length} values for a [{Rows}, {Cols}] matrix");
        if (Rows == 0)
            return;
        row.CopyTo(Data);
        for (var filled = Cols; filled < Data.Length; filled *= 2)
            Data.AsSpan(0, Math.Min(filled, Data.Length - filled)).CopyTo(Data.AsSpan(filled));
    }

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
        TensorPrimitives.ConvertTruncating<T, double>(Data, values);
        return values;
    }
}
