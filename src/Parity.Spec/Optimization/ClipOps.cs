namespace Parity.Spec;

/// <summary>
/// One kind of gradient clipping: its spec key (also the model description's kind), the PyTorch function and its
/// argument the threshold is passed as, and its operations per parameter element for bench's FLOP count.
/// </summary>
public sealed record ClipOp(ClipKind Kind, string Keyword, string Function, string Option, int Flops);

/// <summary>The catalogue of gradient clippings, read by the spec loader, the model description, bench's FLOP count and the diagnosis.</summary>
public static class ClipOps
{
    public static IReadOnlyList<ClipOp> All { get; } =
    [
        // square, sum, scale
        new(ClipKind.Norm, "norm", "clip_grad_norm_", "max_norm", 3),
        new(ClipKind.Value, "value", "clip_grad_value_", "clip_value", 1),
    ];

    public static ClipOp Of(ClipKind kind) => All.Single(op => op.Kind == kind);
}
