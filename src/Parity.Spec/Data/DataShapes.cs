namespace Parity.Spec.Data;

/// <summary>The shape of each source's data, known without generating or reading all of it.</summary>
public static class DataShapes
{
    public const int FashionMnistPixels = 28 * 28;

    public static DataShape Of(DataSpec data, SourceMark mark) => data.Source switch
    {
        DataSource.Disk or DataSource.Xor => new DataShape(2, 2, 1),
        DataSource.Quadratic => new DataShape(2, null, 1),
        DataSource.FashionMnist => new DataShape(FashionMnistPixels, data.Classes?.Count ?? 10, 1),
        DataSource.Csv => CsvSource.ShapeOf(data, mark),
        DataSource.Sort => Sequence(SortSource.Positions(data.Length), data.Digits),
        DataSource.Text => Sequence(data.Block, TextSource.Of(data.Path!).Vocabulary.Length),
        _ => throw new ArgumentOutOfRangeException(nameof(data)),
    };

    /// <summary>T token ids in, T class indices out, each below the vocabulary.</summary>
    static DataShape Sequence(int positions, int vocabulary) => new(positions, vocabulary, positions) { Vocabulary = vocabulary };
}
