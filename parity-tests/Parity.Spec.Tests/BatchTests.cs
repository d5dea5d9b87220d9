using Parity.Spec.Data;

namespace Parity.Spec.Tests;

/// <summary>Batch.Gather: the chosen rows, their targets in the form the loss takes.</summary>
public class BatchTests
{
    static readonly DataSplit Classes = new("train", 3, 2, [0, 1, 10, 11, 20, 21], [2, 0, 1], null, 1);
    static readonly DataSplit Regression = new("train", 3, 2, [0, 1, 10, 11, 20, 21], null, [0.5, 1.5, 2.5, 3.5, 4.5, 5.5], 2);
    static readonly int[] Rows = [2, 0];

    [Fact]
    public void Class_indices_stay_integers()
    {
        var batch = Batches.Gather(Classes, Rows, TargetEncoding.ClassIndices, 3);
        Assert.Equal((2, 2), (batch.Rows, batch.Features));
        Assert.Equal([20, 21, 0, 1], batch.X);
        Assert.Equal([1, 2], batch.Classes!);
        Assert.Null(batch.Targets);
    }

    [Fact]
    public void One_hot_rows_have_one_column_per_class()
    {
        var batch = Batches.Gather(Classes, Rows, TargetEncoding.OneHot, 3);
        Assert.Null(batch.Classes);
        Assert.Equal(3, batch.TargetWidth);
        Assert.Equal([0, 1, 0, 0, 0, 1], batch.Targets!);
    }

    [Fact]
    public void A_label_is_one_float_column()
    {
        var batch = Batches.Gather(Classes, Rows, TargetEncoding.Label, 2);
        Assert.Null(batch.Classes);
        Assert.Equal(1, batch.TargetWidth);
        Assert.Equal([1, 2], batch.Targets!);
    }

    [Fact]
    public void Values_keep_every_target_column()
    {
        var batch = Batches.Gather(Regression, Rows, TargetEncoding.Values, 0);
        Assert.Equal([20, 21, 0, 1], batch.X);
        Assert.Equal(2, batch.TargetWidth);
        Assert.Equal([4.5, 5.5, 0.5, 1.5], batch.Targets!);
    }
}
