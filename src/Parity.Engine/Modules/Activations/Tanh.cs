using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

[LayerKind("tanh")]
public sealed class Tanh<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    Matrix<T>? _output, _gradInput;

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        TensorPrimitives.Tanh<T>(input.Data, output.Data);
        return output;
    }

    // dx = g·(1 − y²)  (tanh_backward; y² first, as there)
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var y = _output!.Data;
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        TensorPrimitives.Multiply<T>(y, y, dx.Data);
        TensorPrimitives.Subtract(T.One, dx.Data, dx.Data);
        TensorPrimitives.Multiply<T>(gradOutput.Data, dx.Data, dx.Data);
        return dx;
    }
}
