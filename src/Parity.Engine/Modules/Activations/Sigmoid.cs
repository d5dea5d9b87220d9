using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

public sealed class Sigmoid<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    Matrix<T>? _output, _gradInput;

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        TensorPrimitives.Sigmoid<T>(input.Data, output.Data);
        return output;
    }

    // dx = g·(1 − y)·y  (sigmoid_backward, same order of operations)
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var y = _output!.Data;
        var g = gradOutput.Data;
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        for (var i = 0; i < g.Length; i++)
            dx.Data[i] = g[i] * (T.One - y[i]) * y[i];
        return dx;
    }
}
