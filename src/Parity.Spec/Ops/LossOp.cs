namespace Parity.Spec;

/// <summary>
/// A loss as the catalogue describes it: its spec keyword (also the model description's kind), the
/// <see cref="LossKind"/> the validation rules reason about, and its nominal FLOPs per output forward
/// and backward (for bench).
/// </summary>
public sealed record LossOp(string Keyword, LossKind Kind, int ForwardFlops, int BackwardFlops);
