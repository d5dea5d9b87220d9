using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

/// <summary>y = x for x > 0, slope·x otherwise.</summary>
public sealed class LeakyRelu<T>(double slope) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly T _slope = T.CreateChecked(slope);
    Matrix<T>? _input, _output, _gradInput;

    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        for (var i = 0; i < input.Data.Length; i++)
            output.Data[i] = input.Data[i] > T.Zero ? input.Data[i] : input.Data[i] * _slope;
        return output;
    }

    // dx = g for x > 0, slope·g otherwise (leaky_relu_backward)
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var x = _input!.Data;
        var g = gradOutput.Data;
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        for (var i = 0; i < g.Length; i++)
            dx.Data[i] = x[i] > T.Zero ? g[i] : g[i] * _slope;
        return dx;
    }
}
