using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// nn.Embedding: y[t] = W[id[t]] for the token ids [rows, T] of the batch (whole numbers, exact in
/// either dtype below 2²⁴), W [V, C]; the output is the sequence [rows, T·C].
/// </summary>
[LayerKind("embedding")]
public sealed class Embedding<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly Parameter<T> _weight;
    int[] _ids = [];
    Matrix<T>? _output, _gradInput;

    public Embedding(string prefix, int count, int width)
    {
        _weight = new Parameter<T>($"{prefix}weight", [count, width], new Matrix<T>(count, width));
        Parameters = [_weight];
    }

    public static Module<T> From(LayerDescription layer) =>
        new Embedding<T>(layer.Prefix, layer.Integer("num_embeddings"), layer.Integer("embedding_dim"));

    public override IReadOnlyList<Parameter<T>> Parameters { get; }

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var width = _weight.Value.Cols;
        if (_ids.Length != input.Data.Length)
            _ids = new int[input.Data.Length];
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols * width);
        for (var i = 0; i < _ids.Length; i++)
        {
            var id = int.CreateTruncating(input.Data[i]);
            if ((uint)id >= (uint)_weight.Value.Rows || T.CreateTruncating(id) != input.Data[i])
                throw new ArgumentOutOfRangeException(nameof(input), $"token id {input.Data[i]} at position {i} is not a whole number in [0, {_weight.Value.Rows})");
            _ids[i] = id;
            _weight.Value.Row(id).CopyTo(output.Data.AsSpan(i * width, width));
        }
        return output;
    }

    // The ids take no gradient: dx is zeros [rows, T], as the probe reports an index input's.
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        BackwardToParameters(gradOutput);
        var gradInput = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, _ids.Length / gradOutput.Rows);
        Array.Clear(gradInput.Data);
        return gradInput;
    }

    // dW[id[t]] += dy[t] for every position in order, as libtorch's embedding backward adds: a repeated id gathers every one.
    public override void BackwardToParameters(Matrix<T> gradOutput)
    {
        var width = _weight.Value.Cols;
        for (var i = 0; i < _ids.Length; i++)
        {
            var row = _weight.Grad.Row(_ids[i]);
            TensorPrimitives.Add<T>(row, gradOutput.Data.AsSpan(i * width, width), row);
        }
    }
}
