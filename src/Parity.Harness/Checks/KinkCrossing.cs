using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>
/// Where the two engines' own forwards put an input of a kinked layer on different sides of its kink (a ReLU
/// input at 0, a max-pool window's tie): rounding alone, a last-place difference, then sends the gradient through
/// different branches, and every gradient below the layer differs by a full term. <see cref="Layer"/> is the
/// highest such layer — the model's layer count for the loss, where an output lies on another side of its gradient's
/// jump (l1 at p = y) — <see cref="Path"/> its place in the module tree ("3.1", or "loss"), and <see cref="Count"/> how
/// many of its side flags differ. The gradients below it are not
/// comparable end to end; re-sync, which feeds each layer TorchSharp's input, judges them instead.
/// </summary>
public sealed record KinkCrossing(int Layer, string Path, int Count)
{
    /// <summary>The <see cref="Path"/> of a crossing at the loss.</summary>
    public const string LossPath = "loss";

    /// <summary>"layer 3.1", or "the loss".</summary>
    public string Place => Path == LossPath ? "the loss" : $"layer {Path}";

    public static KinkCrossing? Find(ParitySpec spec, Batch batch, IReadOnlyList<HostTensor> engineOutputs, IReadOnlyList<HostTensor> twinOutputs)
    {
        if (spec.Loss.Op.Side is { } side && batch.Targets is { } targets)
        {
            var (engine, twin) = (engineOutputs[^1].Data, twinOutputs[^1].Data);
            var differing = targets.Select((y, i) => side(engine[i], y) != side(twin[i], y)).Count(d => d);
            if (differing > 0)
                return new KinkCrossing(spec.Model.Count, LossPath, differing);
        }
        var shapes = LayerShapes.Of(spec);
        // Layer 0 reads the batch itself, the same on both sides.
        for (var i = spec.Model.Count - 1; i > 0; i--)
        {
            if (spec.Model[i] is not OpLayer { Op.HasKinks: true } layer)
                continue;
            var count = layer.Op.SidesCount(layer.Settings, shapes[i].In) * (engineOutputs[i - 1].Count / LayerShapes.Count(shapes[i].In));
            var (engine, twin) = (new bool[count], new bool[count]);
            layer.Op.Sides(layer.Settings, shapes[i].In, engineOutputs[i - 1].Data, engine);
            layer.Op.Sides(layer.Settings, shapes[i].In, twinOutputs[i - 1].Data, twin);
            var differing = engine.Zip(twin).Count(pair => pair.First != pair.Second);
            if (differing > 0)
                return new KinkCrossing(i, spec.Model[i].Path, differing);
        }
        return null;
    }
}
