using Parity.Spec.Data;

namespace Parity.Spec.Tests;

/// <summary>A user's own table next to the spec: classes or regression from the target column, and its mistakes.</summary>
public sealed class CsvSourceTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Writes data.csv and a spec that reads it; the target line is line 6.</summary>
    string Spec(string csv, string model = "[linear: 1]", string loss = "mse", string target = "label", string path = "data.csv")
    {
        _folder.Write("data.csv", csv);
        return _folder.Write("spec.yaml", $$"""
            name: table
            seed: 3
            data:
              source: csv
              path: {{path}}
              target: {{target}}
              test: 2
            model: {{model}}
            loss: {{loss}}
            optimizer:
              sgd: {lr: 0.1}
            train: {epochs: 1, batch: 2}
            """);
    }

    static IEnumerable<double> FirstColumn(DataSplit split) => split.X.Where((_, i) => i % split.Features == 0);

    [Theory]
    [InlineData("0,1,1,0,1,0", 2)]
    [InlineData("0,1,2,1,2,0", 3)]
    [InlineData("0.5,1,2,0,1,0", null)]
    [InlineData("-1,1,0,1,0,1", null)]
    [InlineData("0,0,0,0,0,0", null)]
    public void Whole_number_targets_from_zero_are_classes_anything_else_a_regression(string targets, int? classes)
    {
        var csv = "x1,label,x2\n" + string.Concat(targets.Split(',').Select((t, i) => $"{i},{t},{i * 0.5}\n"));
        var path = _folder.Write("data.csv", csv);

        var shape = CsvSource.ShapeOf(new DataSpec(DataSource.Csv, int.MaxValue, 0, 0, null, path, "label"), new SourceMark("spec.yaml", 1, 1));

        Assert.Equal(new DataShape(2, classes, 1), shape);
    }

    [Fact]
    public void A_classification_table_splits_into_train_and_test_rows()
    {
        var spec = SpecLoader.Load(Spec("x1,x2,label\n0,0,0\n1,1,1\n2,2,2\n3,3,0\n4,4,1\n5,5,2\n", "[linear: 3]", "cross-entropy"));
        var data = DatasetLoader.Load(spec);

        Assert.Equal(new DataShape(2, 3, 1), spec.Shape);
        Assert.Equal((4, 2), (data.Train.Rows, data.Test.Rows));
        Assert.Equal([0.0, 1, 2, 3, 4, 5], FirstColumn(data.Train).Concat(FirstColumn(data.Test)).Order());
        Assert.Equal(FirstColumn(data.Train).Select(x => (int)x % 3), data.Train.Labels!);
    }

    [Fact]
    public void A_regression_table_keeps_its_target_values()
    {
        var spec = SpecLoader.Load(Spec("x,label\n1,0.5\n2,1.5\n3,2.5\n4,3.5\n"));
        var data = DatasetLoader.Load(spec);

        Assert.Equal(TargetEncoding.Values, spec.TargetEncoding);
        Assert.Null(data.Train.Labels);
        Assert.Equal(data.Train.X.Select(x => x - 0.5), data.Train.Targets!);
    }

    [Theory]
    [InlineData("x1,x2,label\n1,2,0\nabc,3,1\n", ":3: column 'x1' holds 'abc', not a finite number")]
    [InlineData("x1,x2,label\n1,2,0\n\n4,5,1\n7,8\n", ":5: has 2 cells but the header has 3")]
    [InlineData("x1,x2,label\n", ": has a header but no rows")]
    [InlineData("label\n1\n", ":1: needs a header row naming at least two columns (features and 'label')")]
    public void A_bad_table_names_the_file_and_line(string csv, string problem)
    {
        var spec = Spec(csv);
        var error = Assert.Throws<InputException>(() => SpecLoader.Load(spec));
        Assert.Equal(Path.Combine(_folder.Path, "data.csv") + problem, error.Message);
    }

    [Fact]
    public void A_missing_target_column_is_reported_at_the_target_key()
    {
        var spec = Spec("x1,x2,label\n1,2,0\n", target: "y");

        var error = Assert.Throws<SpecException>(() => SpecLoader.Load(spec));
        Assert.Equal(new SourceMark(spec, 6, 11), error.Mark);
        Assert.Equal($"'data.target' is 'y' but {Path.Combine(_folder.Path, "data.csv")} has no such column; columns: x1, x2, label", error.Problem);
    }

    [Fact]
    public void A_missing_file_is_named_by_its_path_relative_to_the_spec()
    {
        var spec = Spec("x,label\n1,0\n", path: "tables/missing.csv");

        var error = Assert.Throws<SpecException>(() => SpecLoader.Load(spec));
        Assert.Equal(new SourceMark(spec, 5, 9), error.Mark);
        Assert.Equal($"'data.path': no file at {Path.Combine(_folder.Path, "tables", "missing.csv")}; the path is relative to the spec file", error.Problem);
    }
}
