namespace Parity.Spec;

/// <summary>
/// The rows an evaluation pass gives a backend at once. A chunk holds at most <see cref="Values"/>
/// values of input, layer outputs and what layers hold besides (attention's weights [H, T, T]) (32 MB
/// in float32, 64 MB in float64, per backend), and at most <see cref="MaxRows"/> rows: a backend keeps
/// every layer's output of an evaluation batch, which for a CNN is some 40,000 values a row — 4096 rows
/// of it held 700 MB per backend.
/// </summary>
public static class EvaluationChunk
{
    const long Values = 1 << 23;
    const int MaxRows = 4096;

    public static int Rows(ParitySpec spec) => (int)Math.Clamp(Values / ValuesPerRow(ModelDescriptions.Describe(spec), training: false), 1, MaxRows);

    /// <summary>
    /// The values one row of a batch takes through the model, training or evaluating: its input, every layer's
    /// output, and what each layer holds besides (<see cref="LayerOp.Holds"/>).
    /// </summary>
    public static long ValuesPerRow(ModelDescription model, bool training) =>
        model.Layers.Aggregate(Size(model.InputShape), (sum, layer) => sum + Size(layer.OutputShape)
            + (LayerOps.Find(layer.Kind) is { } op ? op.Holds(new OpSettings(layer.Options), layer.InputShape, training) : 0));

    static long Size(int[] shape) => shape.Aggregate(1L, (n, d) => n * d);
}
