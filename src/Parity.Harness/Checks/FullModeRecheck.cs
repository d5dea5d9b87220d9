namespace Parity.Harness.Checks;

/// <summary>
/// After a failure in fast mode, the tensors it involves checked coordinate by coordinate, as PyTorch's
/// gradcheck re-runs a failed fast check in slow mode: the tensors of failing coordinates, or all of
/// them when a random direction failed. <see cref="Exhaustive"/> when every coordinate of those tensors
/// was checked; larger tensors get a seeded sample.
/// </summary>
public sealed record FullModeRecheck(IReadOnlyList<string> Tensors, bool Exhaustive, int Checked, int Failed)
{
    public bool Passed => Failed == 0;

    public string Describe() =>
        $"full mode on {string.Join(", ", Tensors)} ({(Exhaustive ? "every" : "a sample of")} {Checked} coordinate{(Checked == 1 ? "" : "s")}) "
        + (Passed ? "passes: only the random directions disagree" : $"fails at {Failed}");
}
