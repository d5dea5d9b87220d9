using Parity.Spec.Data;

namespace Parity.Spec;

/// <summary>Mini-batches cut from a data split, in the form the contract's <see cref="Batch"/> carries.</summary>
public static class Batches
{
    /// <summary>
    /// A training step's batch: the rows of <paramref name="split"/> at <paramref name="indices"/>, and
    /// a dropout mask for every layer that drops (p > 0: <see cref="LayerOp.Drops"/>), named by its path and shaped as its op says, drawn from
    /// the spec's seed for this epoch and the batch's first position in the epoch's order — the same masks
    /// at the same step of every run, for every engine, in lockstep training as in <c>parity check</c>.
    /// </summary>
    public static Batch ForStep(ParitySpec spec, DataSplit split, ReadOnlySpan<int> indices, int epoch, int start)
    {
        var batch = Gather(split, indices, spec.TargetEncoding, spec.Shape.Classes ?? 0);
        var dropping = spec.Model.OfType<OpLayer>().Where(layer => layer.Op.Drops(layer.Settings)).ToList();
        if (dropping.Count == 0)
            return batch;
        var layers = ModelDescriptions.Describe(spec).Layers;
        return batch with
        {
            Masks = dropping.Select(layer => Mask(Batch.MaskName(layer.Path), batch.Rows, layer.Op.MaskShape(layer.Settings, layers[layer.Index].InputShape),
                layer.Op.DropProbability!(layer.Settings), SeededRandom.For(spec.Seed, $"mask.{layer.Path}.{epoch}.{start}"))).ToList(),
        };
    }

    /// <summary>A dropout mask [rows, …sample shape]: each element 0 (dropped) with probability <paramref name="p"/>, else 1 (kept).</summary>
    public static HostTensor Mask(string name, int rows, int[] sampleShape, double p, SeededRandom random)
    {
        var data = new double[rows * sampleShape.Aggregate(1, (n, d) => n * d)];
        for (var i = 0; i < data.Length; i++)
            data[i] = random.NextDouble() < p ? 0 : 1;
        return new HostTensor(name, [rows, .. sampleShape], data);
    }

    /// <summary>The rows of <paramref name="split"/> at <paramref name="indices"/>, targets encoded as <paramref name="encoding"/> says.</summary>
    public static Batch Gather(DataSplit split, ReadOnlySpan<int> indices, TargetEncoding encoding, int classes)
    {
        var rows = indices.Length;
        var x = new double[rows * split.Features];
        for (var i = 0; i < rows; i++)
            split.X.CopyRow(indices[i], split.Features, x.AsSpan(i * split.Features, split.Features));

        switch (encoding)
        {
            case TargetEncoding.ClassIndices:
            {
                // One class index per row, or for a sequence one per position (TargetWidth of them).
                var width = split.TargetWidth;
                var classIndices = new int[rows * width];
                for (var i = 0; i < rows; i++)
                    Array.Copy(split.Labels!, indices[i] * width, classIndices, i * width, width);
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
