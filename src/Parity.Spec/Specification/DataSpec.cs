namespace Parity.Spec;

public enum DataSource { Disk, Xor, Quadratic, FashionMnist, Csv, Sort, Text }

/// <summary>
/// Where samples come from. <see cref="Train"/> is a count for synthetic sources, sort and text, and a limit for
/// fashion-mnist and csv; <see cref="Validation"/> is the fraction of train held out. <see cref="Path"/> is a csv's
/// table or text's file; <see cref="Length"/> and <see cref="Digits"/> are sort's, <see cref="Block"/> text's.
/// </summary>
public sealed record DataSpec(
    DataSource Source,
    int Train,
    int Test,
    double Validation,
    IReadOnlyList<int>? Classes,
    string? Path,
    string? Target)
{
    public int Length { get; init; }

    public int Digits { get; init; }

    public int Block { get; init; }
}
