using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Tests;

/// <summary>
/// A bias gradient, <see cref="Matrix{T}.AddColumnSumsTo"/>, adds each column's values onto the sum it is given
/// in row order, bit for bit as one running sum per column does (libtorch's order), on each of its paths: whole rows
/// (64 columns and more), column strips eight at a time (with 256-bit vectors, float64's 33 columns are nine strips, the
/// last over lanes of the eighth, which the first pass has summed already) and single columns (narrower than a vector).
/// </summary>
public class ColumnSumTests
{
    [Theory]
    [InlineData(300, 100)]
    [InlineData(300, 64)]
    [InlineData(300, 63)]
    [InlineData(300, 20)]
    [InlineData(300, 7)]
    [InlineData(1000, 1)]
    public void Single_sums_every_column_in_row_order(int rows, int cols) => SumsInRowOrder<float>(rows, cols);

    [Theory]
    [InlineData(256, 100)]
    [InlineData(1000, 25)]
    [InlineData(300, 33)]
    [InlineData(300, 3)]
    public void Double_sums_every_column_in_row_order(int rows, int cols) => SumsInRowOrder<double>(rows, cols);

    static void SumsInRowOrder<T>(int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(rows * 1000 + cols);
        // Magnitudes spread over eight decades, so that another order of the additions rounds to other bits.
        T Draw() => T.CreateChecked((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-4, 5)));
        var matrix = new Matrix<T>(rows, cols);
        for (var i = 0; i < matrix.Data.Length; i++)
            matrix.Data[i] = Draw();
        var start = Enumerable.Range(0, cols).Select(_ => Draw()).ToArray();

        var sums = (T[])start.Clone();
        matrix.AddColumnSumsTo(sums);

        var (forward, backward) = ((T[])start.Clone(), (T[])start.Clone());
        for (var j = 0; j < cols; j++)
            for (var r = 0; r < rows; r++)
            {
                forward[j] += matrix.Data[r * cols + j];
                backward[j] += matrix.Data[(rows - 1 - r) * cols + j];
            }
        Assert.Equal(forward, sums);
        // The data tell the orders apart: a sum in any other order would fail the assertion above.
        Assert.NotEqual(backward, sums);
    }
}
