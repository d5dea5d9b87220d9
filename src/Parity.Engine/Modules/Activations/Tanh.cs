using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

[LayerKind("tanh")]
public sealed class Tanh<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static readonly T Half = T.CreateChecked(0.5);
    Matrix<T>? _output, _gradInput;

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        var (x, y) = (input.Data, output.Data);
        TensorPrimitives.Tanh<T>(x, y);
        // The vectorized tanh is accurate to a few ULPs of 1, not of its result: tanh(0) came out as −2⁻²⁴ in float32, and
        // a next layer fed a tensor of such zeros had a weight gradient where TorchSharp's (Sleef, a few ULPs of the
        // result) is exactly 0. Below ½ the scalar tanh, accurate relative to the result, is taken instead.
        for (var i = 0; i < x.Length; i++)
            if (T.Abs(x[i]) < Half)
                y[i] = T.Tanh(x[i]);
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
