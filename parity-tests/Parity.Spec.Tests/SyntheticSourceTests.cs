using Parity.Spec.Data;

namespace Parity.Spec.Tests;

/// <summary>The generated tasks (disk, xor, quadratic) and the validation hold-out.</summary>
public class SyntheticSourceTests
{
    static IEnumerable<(double A, double B)> Points(DataSplit split) =>
        Enumerable.Range(0, split.Rows).Select(i => (split.X[2 * i], split.X[2 * i + 1]));

    [Fact]
    public void Disk_labels_points_inside_the_half_area_disk()
    {
        var split = SyntheticSources.Generate(DataSource.Disk, 265, "train", 4000);
        var radius = 1 / Math.Sqrt(2 * Math.PI);

        Assert.Equal(radius, SyntheticSources.DiskRadius);
        Assert.All(Points(split), p => Assert.True(p.A is >= 0 and < 1 && p.B is >= 0 and < 1, $"{p} is outside the unit square"));
        var inside = Points(split).Select(p => Math.Sqrt((p.A - 0.5) * (p.A - 0.5) + (p.B - 0.5) * (p.B - 0.5)) < radius ? 1 : 0);
        Assert.Equal(inside, split.Labels!);
        Assert.InRange(split.Labels!.Average(), 0.47, 0.53);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Xor_rows_are_the_corners_labelled_a_xor_b(int rows)
    {
        var split = SyntheticSources.Generate(DataSource.Xor, 7, "train", rows);
        var points = Points(split).ToList();

        Assert.All(points.GroupBy(p => p), corner => Assert.Equal(rows / 4, corner.Count()));
        Assert.Equal([(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)], points.Distinct().Order());
        Assert.Equal(points.Select(p => (int)p.A ^ (int)p.B), split.Labels!);
    }

    [Fact]
    public void Quadratic_targets_are_5a2_plus_3b2_on_the_square_of_side_4()
    {
        var split = SyntheticSources.Generate(DataSource.Quadratic, 41, "train", 1000);
        var points = Points(split).ToList();

        Assert.Null(split.Labels);
        Assert.Equal(points.Select(p => 5 * p.A * p.A + 3 * p.B * p.B), split.Targets!);
        Assert.All(points, p => Assert.True(Math.Abs(p.A) <= 2 && Math.Abs(p.B) <= 2, $"{p} is outside [-2, 2]²"));
        Assert.InRange(points.Min(p => p.A), -2, -1.95);
        Assert.InRange(points.Max(p => p.B), 1.95, 2);
    }

    [Fact]
    public void The_test_size_does_not_change_the_training_samples()
    {
        var small = DatasetLoader.Load(SpecText.ParseWith("data: {source: disk, train: 50, test: 10}"));
        var large = DatasetLoader.Load(SpecText.ParseWith("data: {source: disk, train: 50, test: 500}"));

        Assert.Equal(small.Train.X, large.Train.X);
        Assert.Equal(small.Test.X, large.Test.X.Take(20));
    }

    [Theory]
    [InlineData(10, 0.15, 2)]
    [InlineData(1000, 0.1, 100)]
    [InlineData(100, 0.07, 7)]
    [InlineData(7, 0.5, 4)]
    public void Validation_holds_out_the_ceiling_of_its_fraction_disjoint_from_train(int rows, double fraction, int heldOut)
    {
        var data = DatasetLoader.Load(SpecText.ParseWith(FormattableString.Invariant($"data: {{source: disk, train: {rows}, test: 5, validation: {fraction}}}")));
        var all = Points(SyntheticSources.Generate(DataSource.Disk, 1, "train", rows)).ToList();

        Assert.Equal(heldOut, data.Validation!.Rows);
        Assert.Equal(rows - heldOut, data.Train.Rows);
        Assert.Empty(Points(data.Train).Intersect(Points(data.Validation)));
        Assert.Equal(all.Order(), Points(data.Train).Concat(Points(data.Validation)).Order());
        Assert.Equal(all.Where(Points(data.Train).Contains), Points(data.Train));
    }

    [Fact]
    public void A_validation_that_holds_out_every_row_is_refused()
    {
        var spec = SpecText.ParseWith("data: {source: disk, train: 2, validation: 0.9}");

        var error = Assert.Throws<InputException>(() => DatasetLoader.Load(spec));
        Assert.Equal("spec.yaml: 'data.validation' 0.9 holds out all 2 training rows; lower it or add rows", error.Message);
    }
}
