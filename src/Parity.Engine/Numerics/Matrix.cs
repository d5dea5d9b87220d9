using System.Numerics;

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
        for (var i = 0; i < Data.Length; i++)
            Data[i] = T.CreateChecked(values[i]);
    }

    public double[] ToDoubles()
    {
        var values = new double[Data.Length];
        for (var i = 0; i < Data.Length; i++)
            values[i] = double.CreateChecked(Data[i]);
        return values;
    }
}
