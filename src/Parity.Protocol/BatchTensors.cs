namespace Parity.Protocol;

/// <summary>
/// A batch's tensors as PyTorch holds them, in the engine protocol's requests and in <c>parity check --dump</c>'s
/// batch.safetensors: <c>x</c> [rows, …input shape], features in the model's dtype or token ids as int64; the
/// targets, float rows <c>y</c> [rows, width], or int64 class indices [rows] or, for a sequence model (output
/// [T, V]), [rows, T] with ignored positions −100; and each dropout mask under its name ("2.mask"), 0/1 in the
/// model's dtype (none for a model without dropout).
/// </summary>
public static class BatchTensors
{
    /// <summary>
    /// x, the targets and the masks. Class indices go by <paramref name="classesName"/>: the protocol calls them
    /// "classes", so that an engine tells them from float targets by name; the dump calls every target "y", as
    /// PyTorch's <c>loss(model(x), y)</c> takes either.
    /// </summary>
    public static List<SafetensorsTensor> Of(ModelDescription model, Batch batch, string classesName) =>
    [
        X(model, batch),
        batch.Classes is { } classes
            ? SafetensorsTensor.Int64(classesName, Rows(batch, model.Layers[^1].OutputShape[..^1]), classes.Select(c => (long)c).ToArray())
            : SafetensorsTensor.Float("y", [batch.Rows, batch.TargetWidth], batch.Targets!, model.IsFloat32),
        .. Masks(model, batch),
    ];

    public static SafetensorsTensor X(ModelDescription model, Batch batch) => Input(model, Rows(batch, model.InputShape), batch.X, model.TakesTokens);

    /// <summary>An input <c>x</c>: features in the model's dtype, or token ids as int64, whole numbers exact in the batch's doubles.</summary>
    public static SafetensorsTensor Input(ModelDescription model, int[] shape, double[] values, bool tokens) => tokens
        ? SafetensorsTensor.Int64("x", shape, values.Select(id => (long)id).ToArray())
        : SafetensorsTensor.Float("x", shape, values, model.IsFloat32);

    public static IEnumerable<SafetensorsTensor> Masks(ModelDescription model, Batch batch) =>
        (batch.Masks ?? []).Select(mask => SafetensorsTensor.Float(mask.Name, mask.Shape, mask.Data, model.IsFloat32));

    /// <summary>A batch's shape: its rows, then one sample's shape.</summary>
    public static int[] Rows(Batch batch, int[] sampleShape) => [batch.Rows, .. sampleShape];
}
