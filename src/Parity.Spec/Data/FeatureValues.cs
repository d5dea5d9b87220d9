using System.Runtime.CompilerServices;

namespace Parity.Spec.Data;

/// <summary>
/// A split's features, [rows, width] row-major, read as float64 whatever they are stored as: an image
/// data set keeps its bytes, which it divides only when a batch is cut. Fashion-MNIST's 70,000 images
/// are 55 MB as bytes and 440 MB as float64, most of a suite's memory, and every spec reading it would
/// hold its own float64 copy.
/// </summary>
[CollectionBuilder(typeof(FeatureValues), nameof(Create))]
public abstract class FeatureValues : IReadOnlyList<double>
{
    public abstract int Count { get; }

    public abstract double this[int index] { get; }

    /// <summary>Row <paramref name="row"/> of a table <paramref name="width"/> wide, into <paramref name="into"/>.</summary>
    public abstract void CopyRow(int row, int width, Span<double> into);

    /// <summary>The rows at <paramref name="rows"/>, in that order, stored as these are.</summary>
    public abstract FeatureValues Rows(IReadOnlyList<int> rows, int width);

    public IEnumerator<double> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public static implicit operator FeatureValues(double[] values) => new Float64Features(values);

    public static FeatureValues Create(ReadOnlySpan<double> values) => new Float64Features(values.ToArray());
}

/// <summary>Features held as float64, as a CSV or a generator gives them.</summary>
public sealed class Float64Features(double[] values) : FeatureValues
{
    public override int Count => values.Length;

    public override double this[int index] => values[index];

    public override void CopyRow(int row, int width, Span<double> into) => values.AsSpan(row * width, width).CopyTo(into);

    public override FeatureValues Rows(IReadOnlyList<int> rows, int width)
    {
        var selected = new double[rows.Count * width];
        for (var i = 0; i < rows.Count; i++)
            CopyRow(rows[i], width, selected.AsSpan(i * width, width));
        return new Float64Features(selected);
    }
}

/// <summary>
/// Features held as bytes, each read as byte / <paramref name="divisor"/> — the same float64 a
/// division when loading would have stored (a pixel's 0..255 scaled to [0, 1] by 255).
/// </summary>
public sealed class ScaledBytes(byte[] values, double divisor) : FeatureValues
{
    public override int Count => values.Length;

    public override double this[int index] => values[index] / divisor;

    public override void CopyRow(int row, int width, Span<double> into)
    {
        var source = values.AsSpan(row * width, width);
        for (var i = 0; i < width; i++)
            into[i] = source[i] / divisor;
    }

    public override FeatureValues Rows(IReadOnlyList<int> rows, int width)
    {
        var selected = new byte[rows.Count * width];
        for (var i = 0; i < rows.Count; i++)
            values.AsSpan(rows[i] * width, width).CopyTo(selected.AsSpan(i * width, width));
        return new ScaledBytes(selected, divisor);
    }
}
