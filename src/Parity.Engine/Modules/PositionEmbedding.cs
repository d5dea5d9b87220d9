using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// minGPT's learned positions, added: y[t] = x[t] + W[t] for the T positions of the sequence [rows, T·C],
/// W [block_size, C], T ≤ block_size.
/// </summary>
[LayerKind("position-embedding")]
public sealed class PositionEmbedding<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly Parameter<T> _weight;
    Matrix<T>? _output;

    public PositionEmbedding(string prefix, int blockSize, int width)
    {
        _weight = new Parameter<T>($"{prefix}weight", [blockSize, width], new Matrix<T>(blockSize, width));
        Parameters = [_weight];
    }

    public static Module<T> From(LayerDescription layer) =>
        new PositionEmbedding<T>(layer.Prefix, layer.Integer("block_size"), layer.Integer("embedding_dim"));

    public override IReadOnlyList<Parameter<T>> Parameters { get; }

    public override Matrix<T> Forward(Matrix<T> input)
    {
        if (input.Cols > _weight.Value.Data.Length)
            throw new ArgumentException($"a sequence of {input.Cols / _weight.Value.Cols} positions is longer than the block size {_weight.Value.Rows}");
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        // A sample's positions and W's first T rows lie alike: one addition of T·C values per row.
        var positions = _weight.Value.Data.AsSpan(0, input.Cols);
        for (var row = 0; row < input.Rows; row++)
            TensorPrimitives.Add<T>(input.Row(row), positions, output.Row(row));
        return output;
    }

    // dx = g;  dW[t] += Σ_rows g[t], rows added in order; W's rows past T get nothing
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        BackwardToParameters(gradOutput);
        return gradOutput;
    }

    public override void BackwardToParameters(Matrix<T> gradOutput) => gradOutput.AddColumnSumsTo(_weight.Grad.Data.AsSpan(0, gradOutput.Cols));
}
