using Parity.Spec.Data;

namespace Parity.Spec;

/// <summary>Mini-batches cut from a data split, in the form the contract's <see cref="Batch"/> carries.</summary>
public static class Batches
{
    /// <summary>The rows of <paramref name="split"/> at <paramref name="indices"/>, targets encoded as <paramref name="encoding"/> says.</summary>
    public static Batch Gather(DataSplit split, ReadOnlySpan<int> indices, TargetEncoding encoding, int classes)
    {
        var rows = indices.Length;
        var x = new double[rows * split.Features];
        for (var i = 0; i < rows; i++)
            Array.Copy(split.X, indices[i] * split.Features, x, i * split.Features, split.Features);

        switch (encoding)
        {
            case TargetEncoding.ClassIndices:
            {
                var classIndices = new int[rows];
                for (var i = 0; i < rows; i++)
                    classIndices[i] = split.Labels![indices[i]];
                return new Batch(rows, split.Features, x, classIndices, null, 0);
            }
            case TargetEncoding.OneHot:
            {
                var oneHot = new double[rows * classes];
                for (var i = 0; i < rows; i++)
                    oneHot[i * classes + split.Labels![indices[i]]] = 1;
                return new Batch(rows, split.Features, x, null, oneHot, classes);
            }
            case TargetEncoding.Label:
            {
                var labels = new double[rows];
                for (var i = 0; i < rows; i++)
                    labels[i] = split.Labels![indices[i]];
                return new Batch(rows, split.Features, x, null, labels, 1);
            }
            default:
            {
                var width = split.TargetWidth;
                var values = new double[rows * width];
                for (var i = 0; i < rows; i++)
                    Array.Copy(split.Targets!, indices[i] * width, values, i * width, width);
                return new Batch(rows, split.Features, x, null, values, width);
            }
        }
    }
}
