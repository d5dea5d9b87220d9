using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

/// <summary>y = x for x > 0, slope·x otherwise.</summary>
[LayerKind("leaky-relu")]
public sealed class LeakyRelu<T>(double slope) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly T _slope = T.CreateChecked(slope);

    public static Module<T> From(LayerDescription layer) => new LeakyRelu<T>(layer.Number("negative_slope", 0.01));

    Matrix<T>? _input, _output, _gradInput;

    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        BySign.Select<T>(input.Data, input.Data, _slope, output.Data);
        return output;
    }

    // dx = g for x > 0, slope·g otherwise (leaky_relu_backward)
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        BySign.Select<T>(_input!.Data, gradOutput.Data, _slope, dx.Data);
        return dx;
    }
}
