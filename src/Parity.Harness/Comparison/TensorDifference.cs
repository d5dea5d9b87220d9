namespace Parity.Harness.Comparison;

/// <summary>
/// How one tensor of an engine differs from the same tensor of the reference. Relative error is
/// |a − b| / |b| over elements where b ≠ 0; ULP distances are counted in the spec's dtype; the norm
/// ratio is ‖a‖ / ‖b‖. <see cref="Worst"/> is the flat index of the element furthest outside tolerance.
/// </summary>
public sealed record TensorDifference(
    string Name,
    int[] Shape,
    double MaxAbsErr,
    double MaxRelErr,
    double MaxUlp,
    double MedianUlp,
    double Cosine,
    double NormRatio,
    bool Passed,
    int Worst,
    double Value,
    double Reference)
{
    /// <summary>Whether the element reported is NaN or infinite on either side (the first such element, when any).</summary>
    public bool HasNonFinite => !double.IsFinite(Value) || !double.IsFinite(Reference);

    public string WorstIndex => Shape.Length switch
    {
        2 => $"[{Worst / Shape[1]}, {Worst % Shape[1]}]",
        _ => $"[{Worst}]",
    };
}
