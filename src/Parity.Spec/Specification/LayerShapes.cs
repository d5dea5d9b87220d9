namespace Parity.Spec;

/// <summary>
/// The shape of one sample through the model, layer by layer, and the tensors each layer owns: both
/// read from the op catalogue's rows (linear's own rule here), so the spec loader's validation, the
/// model description, the initial parameters and bench's FLOP count agree.
/// </summary>
public static class LayerShapes
{
    /// <summary>Each layer's input and output shape for one sample, from the data's features.</summary>
    public static IReadOnlyList<(int[] In, int[] Out)> Of(ParitySpec spec)
    {
        var shapes = new List<(int[], int[])>();
        int[] shape = [spec.Shape.Features];
        foreach (var layer in spec.Model)
        {
            var next = Next(layer, shape);
            shapes.Add((shape, next));
            shape = next;
        }
        return shapes;
    }

    /// <summary>The layer's output shape for <paramref name="input"/>; <see cref="ShapeException"/> when it does not fit.</summary>
    public static int[] Next(LayerSpec layer, int[] input) => layer switch
    {
        LinearLayer linear => input is [var features] && features == linear.In
            ? [linear.Out]
            : throw new ShapeException($"linear takes flat features, but its input is {Text(input)}; add '- flatten' before it"),
        OpLayer op => op.Op.Shape(op.Settings, input),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "a layer with no shape rule"),
    };

    /// <summary>The parameters and buffers the layer owns, in state_dict order, named without the layer's index.</summary>
    public static IReadOnlyList<OwnedTensor> Owned(LayerSpec layer, int[] input) => layer switch
    {
        LinearLayer linear => linear.Bias
            ? [new("weight", [linear.Out, linear.In], TensorRole.Weight), new("bias", [linear.Out], TensorRole.Bias)]
            : [new("weight", [linear.Out, linear.In], TensorRole.Weight)],
        OpLayer op => op.Op.Owns(op.Settings, input),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "a layer with no parameter rule"),
    };

    public static int Count(int[] shape) => shape.Aggregate(1, (n, d) => n * d);

    public static string Text(int[] shape) => $"[{string.Join(", ", shape)}]";
}
