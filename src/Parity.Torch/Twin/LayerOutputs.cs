using System.Collections;
using Parity.Spec;

namespace Parity.Torch.Twin;

/// <summary>
/// The model run on an input with libtorch, keeping every layer's output (one per spec layer) alive
/// until disposed — for per-layer comparisons and retained gradients. An identity layer's output is
/// its input, held once.
/// </summary>
public sealed class LayerOutputs : IReadOnlyList<Tensor>, IDisposable
{
    readonly List<Tensor> _outputs = [];
    readonly Tensor _input;

    public LayerOutputs(ParitySpec spec, Tensor input, IReadOnlyDictionary<string, Tensor> parameters)
    {
        _input = input;
        var current = input;
        foreach (var layer in spec.Model)
        {
            current = TwinOps.Layer(layer, current, parameters);
            _outputs.Add(current);
        }
    }

    public Tensor this[int index] => _outputs[index];

    public int Count => _outputs.Count;

    public IEnumerator<Tensor> GetEnumerator() => _outputs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var output in _outputs.Distinct())
            if (!ReferenceEquals(output, _input))
                output.Dispose();
    }
}
