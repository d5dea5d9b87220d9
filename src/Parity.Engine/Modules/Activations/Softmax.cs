using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

/// <summary>Softmax over each row (dim = 1), shifted by the row's maximum so exp never overflows.</summary>
[LayerKind("softmax")]
public sealed class Softmax<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    Matrix<T>? _output, _gradInput;

    public static Module<T> From(LayerDescription layer)
    {
        FeatureDim.Require(layer);
        return new Softmax<T>();
    }


    public override Matrix<T> Forward(Matrix<T> input)
    {
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        for (var row = 0; row < input.Rows; row++)
        {
            var y = output.Row(row);
            TensorPrimitives.Subtract(input.Row(row), TensorPrimitives.Max<T>(input.Row(row)), y);
            TensorPrimitives.Exp<T>(y, y);
            TensorPrimitives.Divide(y, TensorPrimitives.Sum<T>(y), y);
        }
        return output;
    }

    // dx = y ⊙ (g − Σ_j g_j·y_j), row by row: the full Jacobian diag(y) − y·yᵀ applied to g
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        for (var row = 0; row < gradOutput.Rows; row++)
        {
            var y = _output!.Row(row);
            var dot = TensorPrimitives.Dot<T>(gradOutput.Row(row), y);
            TensorPrimitives.Subtract(gradOutput.Row(row), dot, dx.Row(row));
            TensorPrimitives.Multiply(dx.Row(row), y, dx.Row(row));
        }
        return dx;
    }
}
