using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

/// <summary>y = x for x > 0, alpha·(exp(x) − 1) otherwise.</summary>
[LayerKind("elu")]
public sealed class Elu<T>(double alpha) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly T _alpha = T.CreateChecked(alpha);
    Matrix<T>? _input, _output, _gradInput;

    public static Module<T> From(LayerDescription layer) => new Elu<T>(layer.Number("alpha", 1));

    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        var (x, y) = (input.Data, output.Data);
        for (var i = 0; i < x.Length; i++)
            y[i] = x[i] > T.Zero ? x[i] : _alpha * T.ExpM1(x[i]);
        return output;
    }

    // dx = g for x > 0, g·alpha·exp(x) otherwise (elu_backward on the input)
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        var (x, g, d) = (_input!.Data, gradOutput.Data, dx.Data);
        for (var i = 0; i < x.Length; i++)
            d[i] = x[i] > T.Zero ? g[i] : g[i] * _alpha * T.Exp(x[i]);
        return dx;
    }
}
