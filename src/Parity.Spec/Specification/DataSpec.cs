namespace Parity.Spec;

public enum DataSource { Disk, Xor, Quadratic, FashionMnist, Csv }

/// <summary>
/// Where samples come from. <see cref="Train"/> is a count for synthetic sources and a limit for
/// fashion-mnist and csv; <see cref="Validation"/> is the fraction of train held out.
/// </summary>
public sealed record DataSpec(
    DataSource Source,
    int Train,
    int Test,
    double Validation,
    IReadOnlyList<int>? Classes,
    string? Path,
    string? Target);
