using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

/// <summary>log softmax over each row (dim = 1): y = x − max − log Σ exp(x − max).</summary>
[LayerKind("log-softmax")]
public sealed class LogSoftmax<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    Matrix<T>? _output, _gradInput;

    public static Module<T> From(LayerDescription layer)
    {
        FeatureDim.Require(layer);
        return new LogSoftmax<T>();
    }

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        for (var row = 0; row < input.Rows; row++)
        {
            var y = output.Row(row);
            TensorPrimitives.Subtract(input.Row(row), TensorPrimitives.Max<T>(input.Row(row)), y);
            var logSum = T.Zero;
            foreach (var v in y)
                logSum += T.Exp(v);
            TensorPrimitives.Subtract(y, T.Log(logSum), y);
        }
        return output;
    }

    // dx = g − exp(y)·Σⱼ gⱼ, row by row (log_softmax_backward)
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        for (var row = 0; row < gradOutput.Rows; row++)
        {
            Span<T> y = _output!.Row(row), g = gradOutput.Row(row), d = dx.Row(row);
            var sum = TensorPrimitives.Sum<T>(g);
            for (var j = 0; j < d.Length; j++)
                d[j] = g[j] - T.Exp(y[j]) * sum;
        }
        return dx;
    }
}
