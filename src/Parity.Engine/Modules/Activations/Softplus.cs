using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

/// <summary>y = log(1 + exp(β·x))/β, and y = x where β·x > threshold (as PyTorch, for stability).</summary>
[LayerKind("softplus")]
public sealed class Softplus<T>(double beta, double threshold) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly T _beta = T.CreateChecked(beta), _threshold = T.CreateChecked(threshold);
    Matrix<T>? _input, _output, _gradInput;

    public static Module<T> From(LayerDescription layer) => new Softplus<T>(layer.Number("beta", 1), layer.Number("threshold", 20));

    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        var (x, y) = (input.Data, output.Data);
        for (var i = 0; i < x.Length; i++)
        {
            var scaled = x[i] * _beta;
            y[i] = scaled > _threshold ? x[i] : T.LogP1(T.Exp(scaled)) / _beta;
        }
        return output;
    }

    // dx = g·z/(z + 1), z = exp(β·x); g where β·x > threshold (softplus_backward)
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        var (x, g, d) = (_input!.Data, gradOutput.Data, dx.Data);
        for (var i = 0; i < x.Length; i++)
        {
            var z = T.Exp(x[i] * _beta);
            d[i] = x[i] * _beta > _threshold ? g[i] : g[i] * z / (z + T.One);
        }
        return dx;
    }
}
