using System.Globalization;
using CsvHelper;
using Parity.Spec.Yaml;

namespace Parity.Spec.Data;

/// <summary>
/// A user's own table: a header row, numeric columns, one of them the target. A target column of
/// whole numbers 0..k-1 is read as class labels; anything else as a regression target.
/// </summary>
public static class CsvSource
{
    const int MaxClasses = 1000;

    public static DataShape ShapeOf(DataSpec data, SourceMark mark)
    {
        var table = Read(data, mark);
        return new DataShape(table.Features, table.Labels is null ? null : table.Labels.Max() + 1, 1);
    }

    public static DataSplit Read(DataSpec data, SourceMark mark)
    {
        var path = data.Path!;
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions { TrackLineNumbers = true });
        csv.ReadHeader();
        if (csv.Headers is not { Count: > 1 } headers)
            throw new InputException($"{path}:1: needs a header row naming at least two columns (features and '{data.Target}')");
        var header = headers.ToArray();
        var targetColumn = Array.IndexOf(header, data.Target);
        if (targetColumn < 0)
            throw new SpecException(mark, $"'data.target' is {Scalars.Quote(data.Target!)} but {path} has no such column; columns: {string.Join(", ", header)}");

        var features = new List<double>();
        var targets = new List<double>();
        while (csv.Read())
        {
            var line = csv.LineNumber;
            if (csv.FieldCount != header.Length)
                throw new InputException($"{path}:{line}: has {csv.FieldCount} cells but the header has {header.Length}");
            for (var column = 0; column < header.Length; column++)
            {
                var cell = csv.GetString(column);
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                    throw new InputException($"{path}:{line}: column '{header[column]}' holds {Scalars.Quote(cell)}, not a finite number");
                (column == targetColumn ? targets : features).Add(value);
            }
        }
        if (targets.Count == 0)
            throw new InputException($"{path}: has a header but no rows");

        var isClassification = targets.All(t => t >= 0 && t < MaxClasses && t == Math.Floor(t)) && targets.Max() >= 1;
        return new DataSplit("all", targets.Count, header.Length - 1, features.ToArray(),
            isClassification ? targets.Select(t => (int)t).ToArray() : null,
            isClassification ? null : targets.ToArray(), 1);
    }
}
