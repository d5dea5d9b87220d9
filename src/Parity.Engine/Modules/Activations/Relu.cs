using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

/// <summary>y = max(x, 0); the gradient at x = 0 is 0, as in PyTorch's threshold_backward.</summary>
[LayerKind("relu")]
public sealed class Relu<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    Matrix<T>? _output, _gradInput;

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        TensorPrimitives.Max(input.Data, T.Zero, output.Data);
        return output;
    }

    // dx = g where y > 0, else 0 (y > 0 exactly where x > 0)
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        BySign.Select<T>(_output!.Data, gradOutput.Data, T.Zero, dx.Data);
        return dx;
    }
}
