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

    [Fact]
    public void A_step_without_dropout_has_no_masks()
    {
        var spec = SpecText.ParseWith("data: {source: disk, train: 200}");
        Assert.Null(Batches.ForStep(spec, Classes, Rows, 1, 0).Masks);
    }

    [Fact]
    public void Each_dropout_layer_gets_a_seeded_mask_of_its_input_shape_per_step()
    {
        var spec = SpecText.ParseWith("data: {source: disk, train: 200}\nmodel: [linear: 400, {dropout: {p: 0.25}}, linear: 1, sigmoid]");
        var rows = Enumerable.Range(0, 50).Select(i => i % 3).ToArray();

        var step = Batches.ForStep(spec, Classes, rows, 2, 50);
        var mask = Assert.Single(step.Masks!);

        Assert.Equal("1.mask", mask.Name);
        Assert.Equal([50, 400], mask.Shape);
        Assert.All(mask.Data, v => Assert.True(v is 0 or 1));
        Assert.InRange(mask.Data.Count(v => v == 0) / (double)mask.Count, 0.23, 0.27);
        Assert.Equal(mask.Data, Batches.ForStep(spec, Classes, rows, 2, 50).Masks![0].Data);
        Assert.NotEqual(mask.Data, Batches.ForStep(spec, Classes, rows, 2, 100).Masks![0].Data);
        Assert.NotEqual(mask.Data, Batches.ForStep(spec, Classes, rows, 3, 50).Masks![0].Data);
    }
}
