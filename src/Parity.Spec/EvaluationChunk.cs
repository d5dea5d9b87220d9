namespace Parity.Spec;

/// <summary>
/// The rows an evaluation pass gives a backend at once. A chunk holds at most <see cref="Values"/>
/// values of input and layer outputs (32 MB in float32, 64 MB in float64, per backend), and at most
/// <see cref="MaxRows"/> rows: a backend keeps every layer's output of an evaluation batch, which for a
/// CNN is some 40,000 values a row — 4096 rows of it held 700 MB per backend.
/// </summary>
public static class EvaluationChunk
{
    const long Values = 1 << 23;
    const int MaxRows = 4096;

    public static int Rows(ParitySpec spec) => (int)Math.Clamp(Values / ValuesPerRow(ModelDescriptions.Describe(spec)), 1, MaxRows);

    /// <summary>The values one row of a batch takes through the model: its input and every layer's output.</summary>
    public static long ValuesPerRow(ModelDescription model) =>
        model.Layers.Aggregate(Size(model.InputShape), (sum, layer) => sum + Size(layer.OutputShape));

    static long Size(int[] shape) => shape.Aggregate(1L, (n, d) => n * d);
}
