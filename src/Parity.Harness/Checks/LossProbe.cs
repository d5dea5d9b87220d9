using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>
/// A direction in the space of parameters and input: a dense vector per tensor it moves (by name;
/// the batch's features are "input"), zero elsewhere.
/// </summary>
public sealed record Direction(string Label, IReadOnlyDictionary<string, double[]> Components)
{
    public static Direction Coordinate(HostTensor tensor, int index)
    {
        var unit = new double[tensor.Count];
        unit[index] = 1;
        var position = tensor.Shape.Length == 2 ? $"{index / tensor.Shape[1]}, {index % tensor.Shape[1]}" : $"{index}";
        return new Direction($"{tensor.Name}[{position}]", new Dictionary<string, double[]> { [tensor.Name] = unit });
    }

    /// <summary>u·∇L: the directional derivative the analytical gradient predicts.</summary>
    public double Dot(IReadOnlyDictionary<string, HostTensor> gradients) =>
        Components.Sum(c => c.Value.Select((u, i) => u * gradients[c.Key].Data[i]).Sum());
}

/// <summary>
/// The numerical side of gradcheck: the loss at θ ± eps·u by central differences, with the backend's
/// own forward and loss. A probe whose ± points put some ReLU input on different sides of zero
/// straddles a kink (of an op the catalogue marks as kinked: at 0, or where a max-pool window changes its choice), where the derivative is not defined:
/// a disagreeing probe that straddles one is reported, not judged (<see cref="Straddles"/>).
/// A model whose training differs from its evaluation (dropout, batch norm) is probed on its training loss — the
/// batch's masks and statistics, as the gradient was taken — through the optional <see cref="ITrainingLoss"/>, or else
/// ComputeGradients, which changes no parameter (the buffers it moves are set back with the parameters).
/// </summary>
public sealed class LossProbe(ParitySpec spec, IBackend backend, Batch batch, double eps)
{
    readonly IReadOnlyList<HostTensor> _parameters = backend.GetParameters();
    // The moved point's values, in arrays reused at every point (the backend copies what it is given):
    // fresh copies of a CNN's 275,000 parameters and inputs at each point were most of its check's memory.
    readonly Dictionary<string, double[]> _moved = [];
    readonly (OpLayer Layer, int[] Input)[] _kinkLayers = spec.Model.Zip(LayerShapes.Of(spec))
        .Where(p => p.First is OpLayer { Op.HasKinks: true }).Select(p => ((OpLayer)p.First, p.Second.In)).ToArray();
    readonly bool _training = spec.Model.OfType<OpLayer>().Any(a => a.Op.TrainingDiffers(a.Settings));
    // The outputs the kinked layers read (the layer before each; layer 0 reads the batch), in arrays
    // reused at every point when the backend writes into them (IForwardInto): fresh copies of every
    // layer's output at each point were gigabytes of garbage for a CNN.
    double[][]? _outputs;
    int[]? _read;

    // Each kinked layer's sides at θ + eps·u and at θ − eps·u, filled anew at every probe.
    readonly bool[][] _plusSides = SidesArrays(spec, batch), _minusSides = SidesArrays(spec, batch);

    /// <summary>The central difference along <paramref name="direction"/>, and its resolution: one rounding unit of each loss, over 2·eps.</summary>
    public (double Derivative, double Resolution) Derivative(Direction direction)
    {
        var plus = LossAt(direction, eps);
        var minus = LossAt(direction, -eps);
        backend.SetParameters(_parameters);
        return ((plus - minus) / (2 * eps), (Ulp(plus) + Ulp(minus)) / (2 * eps));
    }

    /// <summary>
    /// Whether the ± points along <paramref name="direction"/> put some input of a kinked layer on different sides
    /// of its kink. Asked only of a direction whose difference disagrees with the gradient: each answer costs a
    /// forward at each point, and asking it of every direction was half of a CNN's finite differences.
    /// </summary>
    public bool Straddles(Direction direction)
    {
        if (_kinkLayers.Length == 0)
            return false;
        FillSides(direction, eps, _plusSides);
        FillSides(direction, -eps, _minusSides);
        backend.SetParameters(_parameters);
        return !_plusSides.Zip(_minusSides).All(sides => sides.First.AsSpan().SequenceEqual(sides.Second));
    }

    static double Ulp(double value) => double.IsFinite(value) ? Math.BitIncrement(Math.Abs(value)) - Math.Abs(value) : double.PositiveInfinity;

    static bool[][] SidesArrays(ParitySpec spec, Batch batch) => [.. spec.Model.Zip(LayerShapes.Of(spec))
        .Where(p => p.First is OpLayer { Op.HasKinks: true }).Select(p => new bool[batch.Rows * ((OpLayer)p.First).Op.SidesCount(((OpLayer)p.First).Settings, p.Second.In)])];

    static int Count(int[] shape) => shape.Aggregate(1, (n, d) => n * d);

    double LossAt(Direction direction, double step)
    {
        var moved = MoveTo(direction, step);
        if (!_training)
            return backend.Evaluate(moved).Loss;
        return backend is ITrainingLoss loss ? loss.TrainingLoss(moved) : backend.ComputeGradients(moved).Loss;
    }

    /// <summary>Sets the backend's parameters to θ + step·u; returns the batch at that point (its input moved too when u moves it).</summary>
    Batch MoveTo(Direction direction, double step)
    {
        backend.SetParameters(_parameters.Select(p => Moved(p, direction, step)).ToList());
        return direction.Components.ContainsKey("input")
            ? batch with { X = Moved(new HostTensor("input", [batch.Rows, batch.Features], batch.X), direction, step).Data }
            : batch;
    }

    HostTensor Moved(HostTensor tensor, Direction direction, double step)
    {
        if (!direction.Components.TryGetValue(tensor.Name, out var u))
            return tensor;
        if (!_moved.TryGetValue(tensor.Name, out var data))
            _moved[tensor.Name] = data = new double[tensor.Count];
        for (var i = 0; i < data.Length; i++)
            data[i] = tensor.Data[i] + step * u[i];
        return tensor with { Data = data };
    }

    /// <summary>Which side of its kinks each input of the kinked layers is on (the sign, for ReLU), per kinked layer: a change between θ + eps·u and θ − eps·u is a kink crossed.</summary>
    void FillSides(Direction direction, double step, bool[][] sides)
    {
        var moved = MoveTo(direction, step);
        var outputs = Outputs(moved);
        for (var k = 0; k < _kinkLayers.Length; k++)
        {
            var (layer, input) = _kinkLayers[k];
            layer.Op.Sides(layer.Settings, input, layer.Index == 0 ? moved.X : outputs[layer.Index - 1], sides[k]);
        }
    }

    /// <summary>The layer outputs by layer index (those the kinked layers do not read may be missing).</summary>
    IReadOnlyDictionary<int, double[]> Outputs(Batch moved)
    {
        if (backend is not IForwardInto into)
            return backend.Forward(moved).Select((output, i) => (output, i)).ToDictionary(o => o.i, o => o.output.Data);
        _read ??= [.. _kinkLayers.Where(k => k.Layer.Index > 0).Select(k => k.Layer.Index - 1)];
        _outputs ??= [.. _kinkLayers.Where(k => k.Layer.Index > 0).Select(k => new double[batch.Rows * Count(k.Input)])];
        into.ForwardInto(moved, _read, _outputs);
        return _read.Zip(_outputs).ToDictionary(o => o.First, o => o.Second);
    }
}
