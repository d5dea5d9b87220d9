namespace Parity.Spec.Data;

/// <summary>
/// One part of a data set: <see cref="X"/> is [Rows, Features] row-major; classification splits
/// carry <see cref="Labels"/> (class index per row), regression splits <see cref="Targets"/> [Rows, TargetWidth];
/// a sequence split (sort, text) has X [Rows, T] token ids and Labels [Rows, TargetWidth = T].
/// </summary>
public sealed record DataSplit(string Name, int Rows, int Features, FeatureValues X, int[]? Labels, double[]? Targets, int TargetWidth)
{
    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public DataSplit Select(string name, IReadOnlyList<int> indices)
    {
        var labels = Labels is null ? null : new int[indices.Count * TargetWidth];
        var targets = Targets is null ? null : new double[indices.Count * TargetWidth];
        for (var i = 0; i < indices.Count; i++)
        {
            var row = indices[i];
            if (labels is not null)
                Array.Copy(Labels!, row * TargetWidth, labels, i * TargetWidth, TargetWidth);
            if (targets is not null)
                Array.Copy(Targets!, row * TargetWidth, targets, i * TargetWidth, TargetWidth);
        }
        return this with { Name = name, Rows = indices.Count, X = X.Rows(indices, Features), Labels = labels, Targets = targets };
    }

    public DataSplit Take(string name, int rows) => rows >= Rows ? this with { Name = name } : Select(name, Enumerable.Range(0, rows).ToArray());
}

/// <summary>The splits a spec trains and evaluates on; <see cref="Validation"/> is held out of train when the spec asks.</summary>
public sealed record Dataset(DataSplit Train, DataSplit? Validation, DataSplit Test);
