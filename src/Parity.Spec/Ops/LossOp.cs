namespace Parity.Spec;

/// <summary>
/// A loss as the catalogue describes it: its spec keyword (also the model description's kind), the
/// <see cref="LossKind"/> the validation rules reason about, its nominal FLOPs per output forward
/// and backward (for bench), its options beside <c>reduction</c> (PyTorch's argument names), whether
/// it takes class indices rather than target rows, and the usual mistakes in its gradient (for diagnosis).
/// </summary>
public sealed record LossOp(string Keyword, LossKind Kind, int ForwardFlops, int BackwardFlops)
{
    public IReadOnlyList<OpOption> Options { get; init; } = [];

    public bool TakesClasses { get; init; }

    /// <summary>Its input must lie in [0, 1] (bce): the model must end in an op whose output is a probability.</summary>
    public bool TakesProbabilities { get; init; }

    public Func<OpSettings, IReadOnlyList<LossMistake>> Mistakes { get; init; } = _ => [];

    /// <summary>
    /// For a loss whose gradient jumps (l1's sign(p − y) at p = y): which side of the jump an output p with target y is
    /// on; null for a loss with a continuous gradient.
    /// </summary>
    public Func<double, double, int>? Side { get; init; }
}
