using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

/// <summary>SiLU (swish): y = x·σ(x).</summary>
[LayerKind("silu")]
public sealed class Silu<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    Matrix<T>? _input, _sigmoid, _output, _gradInput;

    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        var sigmoid = Matrix<T>.Reuse(ref _sigmoid, input.Rows, input.Cols);
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        TensorPrimitives.Sigmoid<T>(input.Data, sigmoid.Data);
        TensorPrimitives.Multiply<T>(input.Data, sigmoid.Data, output.Data);
        return output;
    }

    // dx = g·σ·(1 + x·(1 − σ))  (silu_backward)
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        var (x, s, g, d) = (_input!.Data, _sigmoid!.Data, gradOutput.Data, dx.Data);
        for (var i = 0; i < d.Length; i++)
            d[i] = g[i] * s[i] * (T.One + x[i] * (T.One - s[i]));
        return dx;
    }
}
