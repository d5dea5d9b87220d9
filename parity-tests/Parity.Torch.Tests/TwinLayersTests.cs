using Parity.Torch.Twin;
using static TorchSharp.torch;

namespace Parity.Torch.Tests;

/// <summary>
/// Residual blocks nested in the flat post-order list: each entry takes what it should, whole-model and alone.
/// The layers are affine maps of a scalar, so that every output names the path it took.
/// </summary>
public class TwinLayersTests
{
    // [×2, Residual(+1, Residual(×3)), ×5]: paths 0, 1.0, 1.1.0, 1.1, 1, 2.
    static readonly List<Node> Model =
    [
        Affine(2, 0),
        new("residual", [], Affine(1, 1), new Node("residual", [], Affine(3, 0))),
        Affine(5, 0),
    ];

    static Node Affine(double scale, double shift) => new("affine", new() { ["scale"] = scale, ["shift"] = shift });

    static TwinLayers Layers(List<LayerDescription> layers) =>
        new(layers, layer => input => input * layer.Number("scale") + layer.Number("shift"));

    [Fact]
    public void Every_entry_of_nested_blocks_takes_its_input_and_adds_its_skip()
    {
        var (layers, _) = SequenceModels.Flatten(Model, [1]);
        Assert.Equal(["0", "1.0", "1.1.0", "1.1", "1", "2"], layers.Select(l => l.Path));
        Assert.Equal([0, 0, 0, 1, 3, 0], layers.Select(l => l.Span));
        using var scope = NewDisposeScope();

        var outputs = Layers(layers).Run(tensor(1.0)).Select(t => t.item<double>());

        // 2x; 2x + 1; 3(2x + 1); (2x + 1) + 3(2x + 1); 2x + 4(2x + 1); ×5.
        Assert.Equal([2.0, 3, 9, 12, 14, 70], outputs);
    }

    [Theory]
    [InlineData(1, 3.0, 4.0)] // 1.0 alone: 3 + 1
    [InlineData(3, 3.0, 12.0)] // 1.1: 3 + 3·3
    [InlineData(4, 2.0, 14.0)] // 1: 2 + 4(2 + 1)
    [InlineData(5, 14.0, 70.0)]
    public void An_entry_alone_runs_its_block_on_the_input_given(int entry, double input, double output)
    {
        var (layers, _) = SequenceModels.Flatten(Model, [1]);
        using var scope = NewDisposeScope();

        Assert.Equal(output, Layers(layers).RunEntry(entry, tensor(input)).item<double>());
    }
}
