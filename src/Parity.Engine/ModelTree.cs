using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Engine;

/// <summary>
/// The model built from its description's flat post-order list: each residual block a
/// <see cref="Residual{T}"/> (made by <c>block</c>) around a <see cref="Sequential{T}"/> of the Span entries before it (blocks
/// nest), the whole a Sequential that training runs; and the flat list itself, every entry's module in
/// the description's order (a residual entry's is its block), which the harness's layer-by-layer
/// results walk (<see cref="Forward"/>, <see cref="Backward"/>).
/// </summary>
sealed class ModelTree<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly IReadOnlyList<LayerDescription> _layers;
    // Every entry's output in the last flat forward.
    readonly Matrix<T>[] _outputs;

    public ModelTree(IReadOnlyList<LayerDescription> layers, Func<LayerDescription, Module<T>> make, Func<LayerDescription, Sequential<T>, Residual<T>> block)
    {
        _layers = layers;
        Flat = new Module<T>[layers.Count];
        _outputs = new Matrix<T>[layers.Count];
        // Built modules not yet inside a block, each with the flat entries it covers.
        var open = new List<(Module<T> Module, int Entries)>();
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (layer.Kind != "residual")
            {
                open.Add((Flat[i] = make(layer), 1));
                continue;
            }
            var (first, covered) = (open.Count, 0);
            while (covered < layer.Span && first > 0)
                covered += open[--first].Entries;
            if (covered != layer.Span || layer.Span == 0)
                throw new ArgumentException($"residual block {layer.Path} (entry {i}) spans {layer.Span} entries, which do not end where whole layers and blocks do");
            var residual = block(layer, new Sequential<T>([.. open.Skip(first).Select(entry => entry.Module)]));
            open.RemoveRange(first, open.Count - first);
            open.Add((Flat[i] = residual, layer.Span + 1));
        }
        Root = new Sequential<T>([.. open.Select(entry => entry.Module)]);
    }

    public Sequential<T> Root { get; }

    public Module<T>[] Flat { get; }

    /// <summary>Forward through entries 0…<paramref name="last"/> one by one, handing each entry's output to <paramref name="visit"/>.</summary>
    public void Forward(Matrix<T> input, int last, Action<int, Matrix<T>> visit)
    {
        Matrix<T> Output(int i) => i < 0 ? input : _outputs[i];
        for (var i = 0; i <= last; i++)
        {
            // A block's entry joins its input — the output before its span — with its last layer's output.
            _outputs[i] = Flat[i] is Residual<T> block ? block.Join(Output(i - _layers[i].Span - 1), Output(i - 1)) : Flat[i].Forward(Output(i - 1));
            visit(i, _outputs[i]);
        }
    }

    /// <summary>
    /// Backward after a full forward, entry by entry from the last, handing <paramref name="visit"/> the
    /// gradient with respect to each entry's output, complete (a block's input takes its gradient both
    /// through the block and around it); returns the gradient with respect to the model's input.
    /// </summary>
    public Matrix<T> Backward(Matrix<T> gradOutput, Action<int, Matrix<T>> visit)
    {
        // gradients[i + 1]: wrt entry i's output; gradients[0]: wrt the model's input. Copies, summed into.
        var gradients = new Matrix<T>?[Flat.Length + 1];
        gradients[Flat.Length] = gradOutput;
        for (var i = Flat.Length - 1; i >= 0; i--)
        {
            var gradient = gradients[i + 1]!;
            visit(i, gradient);
            // A block's output gradient reaches its last layer unchanged, and its input through the skip as the block passes it.
            if (Flat[i] is Residual<T> block)
            {
                Add(ref gradients[i], gradient);
                Add(ref gradients[i - _layers[i].Span], block.Skip(gradient));
            }
            else
                Add(ref gradients[i], Flat[i].Backward(gradient));
        }
        return gradients[0]!;
    }

    static void Add(ref Matrix<T>? sum, Matrix<T> gradient)
    {
        if (sum is null)
        {
            sum = new Matrix<T>(gradient.Rows, gradient.Cols);
            gradient.Data.CopyTo(sum.Data, 0);
        }
        else
            TensorPrimitives.Add<T>(sum.Data, gradient.Data, sum.Data);
    }
}
