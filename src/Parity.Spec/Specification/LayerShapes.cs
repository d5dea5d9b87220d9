namespace Parity.Spec;

/// <summary>
/// The shape of one sample through the model, layer by layer, and the tensors each layer owns: both
/// read from the op catalogue's rows (linear's own rule here), so the spec loader's validation, the
/// model description, the initial parameters and bench's FLOP count agree.
/// </summary>
public static class LayerShapes
{
    /// <summary>
    /// Each entry's input and output shape for one sample, from the data's sample shape, in the flat
    /// post-order list: a residual block takes the input of the first entry of its span.
    /// </summary>
    public static IReadOnlyList<(int[] In, int[] Out)> Of(ParitySpec spec)
    {
        var shapes = new List<(int[] In, int[] Out)>();
        int[] shape = [spec.Shape.Features];
        foreach (var layer in spec.Model)
        {
            var input = InputOf(layer, shape, shapes);
            var next = Next(layer, input);
            shapes.Add((input, next));
            shape = next;
        }
        return shapes;
    }

    /// <summary>What an entry takes: the output before it, or for a residual block the input of its first layer.</summary>
    public static int[] InputOf(LayerSpec layer, int[] previousOutput, IReadOnlyList<(int[] In, int[] Out)> before) =>
        layer is ResidualLayer residual ? before[^residual.Span].In : previousOutput;

    /// <summary>
    /// The entry whose output entry <paramref name="layer"/> takes in the flat post-order list, −1 for the model's input:
    /// the entry before it, or for a residual block the entry before its first layer.
    /// </summary>
    public static int Feeding(ParitySpec spec, int layer) => layer - 1 - (spec.Model[layer] is ResidualLayer residual ? residual.Span : 0);

    /// <summary>
    /// The flat index of the layer a tensor belongs to: the innermost layer whose path is the tensor's name
    /// (a layer's output, "2.1") or starts it ("2.1.c_attn.weight", "2.1.mask").
    /// </summary>
    public static int Owner(ParitySpec spec, string name)
    {
        var (owner, depth) = (-1, -1);
        foreach (var layer in spec.Model)
            if ((name == layer.Path || name.StartsWith(layer.Prefix, StringComparison.Ordinal)) && layer.Path.Length > depth)
                (owner, depth) = (layer.Index, layer.Path.Length);
        return owner >= 0 ? owner : throw new ArgumentException($"no layer of {spec.Name} owns the tensor '{name}'", nameof(name));
    }

    /// <summary>The layer's output shape for <paramref name="input"/>; <see cref="ShapeException"/> when it does not fit.</summary>
    public static int[] Next(LayerSpec layer, int[] input) => layer switch
    {
        LinearLayer linear => input switch
        {
            [var features] when features == linear.In => [linear.Out],
            // nn.Linear on a sequence acts on its last dimension, position by position.
            [var positions, var features] when features == linear.In => [positions, linear.Out],
            _ => throw new ShapeException($"linear takes flat features or a sequence [T, C], but its input is {Text(input)}; add '- flatten' before it"),
        },
        OpLayer op => op.Op.Shape(op.Settings, input),
        ResidualLayer => input,
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "a layer with no shape rule"),
    };

    /// <summary>The parameters and buffers the layer owns, in state_dict order, named without the layer's prefix.</summary>
    public static IReadOnlyList<OwnedTensor> Owned(LayerSpec layer, int[] input) => layer switch
    {
        LinearLayer linear => linear.Bias
            ? [new("weight", [linear.Out, linear.In], TensorRole.Weight), new("bias", [linear.Out], TensorRole.Bias)]
            : [new("weight", [linear.Out, linear.In], TensorRole.Weight)],
        OpLayer op => op.Op.Owns(op.Settings, input),
        ResidualLayer => [],
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "a layer with no parameter rule"),
    };

    public static int Count(int[] shape) => shape.Aggregate(1, (n, d) => n * d);

    public static string Text(int[] shape) => $"[{string.Join(", ", shape)}]";
}
