using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>
/// Where the two engines' own forwards put an input of a kinked layer on different sides of its kink (a ReLU
/// input at 0, a max-pool window's tie): rounding alone, a last-place difference, then sends the gradient through
/// different branches, and every gradient below the layer differs by a full term. <see cref="Layer"/> is the
/// highest such layer, <see cref="Count"/> how many of its side flags differ. The gradients below it are not
/// comparable end to end; re-sync, which feeds each layer TorchSharp's input, judges them instead.
/// </summary>
public sealed record KinkCrossing(int Layer, int Count)
{
    public static KinkCrossing? Find(ParitySpec spec, IReadOnlyList<HostTensor> engineOutputs, IReadOnlyList<HostTensor> twinOutputs)
    {
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
                return new KinkCrossing(i, differing);
        }
        return null;
    }
}
