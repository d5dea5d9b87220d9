using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

[LayerKind("sigmoid")]
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
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        TensorPrimitives.Subtract(T.One, y, dx.Data);
        TensorPrimitives.Multiply<T>(gradOutput.Data, dx.Data, dx.Data);
        TensorPrimitives.Multiply<T>(dx.Data, y, dx.Data);
        return dx;
    }
}
