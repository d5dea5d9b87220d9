namespace Parity.Spec.Data;

/// <summary>Builds a spec's train, validation and test splits, deterministically from its seed.</summary>
public static class DatasetLoader
{
    public static Dataset Load(ParitySpec spec)
    {
        var data = spec.Data;
        var (train, test) = data.Source switch
        {
            DataSource.FashionMnist => (
                FashionMnistSource.Load("train", "train", data.Classes, data.Train),
                FashionMnistSource.Load("test", "t10k", data.Classes, data.Test)),
            DataSource.Csv => SplitTable(CsvSource.Read(data, new SourceMark(spec.SourcePath, 1, 1)), data, spec.Seed),
            DataSource.Sort => (SortSource.Generate(data, spec.Seed, "train", data.Train), SortSource.Generate(data, spec.Seed, "test", data.Test)),
            DataSource.Text => (TextSource.Generate(data, spec.Seed, "train", data.Train), TextSource.Generate(data, spec.Seed, "test", data.Test)),
            _ => (
                SyntheticSources.Generate(data.Source, spec.Seed, "train", data.Train),
                SyntheticSources.Generate(data.Source, spec.Seed, "test", data.Test)),
        };
        if (data.Validation == 0)
            return new Dataset(train, null, test);

        var order = SeededRandom.For(spec.Seed, "data.validation").Permutation(train.Rows);
        // In decimal, so that 0.07 of 100 rows is 7, not the 8 that 0.07 * 100 = 7.000000000000001 would give.
        var heldOut = (int)Math.Ceiling((decimal)data.Validation * train.Rows);
        if (heldOut == train.Rows)
            throw new InputException($"{spec.SourcePath}: 'data.validation' {data.Validation} holds out all {train.Rows} training rows; lower it or add rows");
        return new Dataset(
            train.Select("train", order[heldOut..].Order().ToArray()),
            train.Select("validation", order[..heldOut].Order().ToArray()),
            test);
    }

    /// <summary>A single table: a seeded shuffle, the last <c>test</c> rows for testing, the rest (up to <c>train</c>) for training.</summary>
    static (DataSplit Train, DataSplit Test) SplitTable(DataSplit all, DataSpec data, long seed)
    {
        var order = SeededRandom.For(seed, "data.csv").Permutation(all.Rows);
        var testRows = Math.Min(data.Test, all.Rows - 1);
        var trainOrder = order[..^testRows];
        return (all.Select("train", trainOrder[..Math.Min(data.Train, trainOrder.Length)]), all.Select("test", order[^testRows..]));
    }
}
