namespace Parity.Spec;

/// <summary>
/// How a layer's tensor starts: a weight drawn by the spec's init from its fans, a bias drawn from its layer's
/// weight's fan-in, a constant, or a table drawn from N(0, <see cref="OwnedTensor.Std"/>) whatever the spec's
/// init (nn.Embedding's N(0, 1), minGPT's position table's N(0, 0.02): lookups, not fan-scaled products).
/// </summary>
public enum TensorRole { Weight, Bias, Ones, Zeros, Normal }

/// <summary>
/// A tensor a layer owns, named as in nn.Sequential's state_dict after the layer's path
/// (<c>weight</c> → <c>3.weight</c>, <c>3.1.weight</c> inside a residual block): a parameter, or a buffer (running statistics), which is
/// compared like a parameter but not trained.
/// </summary>
public sealed record OwnedTensor(string Name, int[] Shape, TensorRole Role, bool Buffer = false)
{
    /// <summary>The standard deviation of a <see cref="TensorRole.Normal"/> table.</summary>
    public double Std { get; init; }

    public long Count => Shape.Aggregate(1L, (n, d) => n * d);

    /// <summary>torch.nn.init's fans: fan_in = shape[1]·receptive field, fan_out = shape[0]·receptive field, the receptive field the product of the dimensions after the first two.</summary>
    public (int FanIn, int FanOut) Fans
    {
        get
        {
            var receptive = Shape.Skip(2).Aggregate(1, (n, d) => n * d);
            return (Shape.Length > 1 ? Shape[1] * receptive : Shape[0], Shape[0] * receptive);
        }
    }
}

/// <summary>Nominal floating-point operations of a layer for one sample: forward, backward into its parameters, and backward into its input (which the model's first trained layer skips).</summary>
public readonly record struct OpCost(long Forward, long BackwardToParameters, long BackwardToInput);

/// <summary>An example of an op for the op helper test: its options as a spec gives them (PyTorch names; the rest defaults) and one sample's input shape.</summary>
public sealed record OpExample(System.Text.Json.Nodes.JsonObject Given, int[] InputShape);
