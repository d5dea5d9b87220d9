using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

/// <summary>
/// GELU, y = x·Φ(x) with Φ the normal CDF (approximate "none"), or PyTorch's tanh form
/// y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (approximate "tanh").
/// </summary>
[LayerKind("gelu")]
public sealed class Gelu<T>(bool tanh) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    const double Cubic = 0.044715;
    static readonly double Root2OverPi = Math.Sqrt(2 / Math.PI), InvRoot2 = 1 / Math.Sqrt(2), InvRoot2Pi = 1 / Math.Sqrt(2 * Math.PI);
    Matrix<T>? _input, _output, _gradInput;

    public static Module<T> From(LayerDescription layer) => layer.Word("approximate", "none") switch
    {
        "none" => new Gelu<T>(false),
        "tanh" => new Gelu<T>(true),
        var other => throw new ArgumentException($"layer {layer.Index}: gelu's approximate is 'none' or 'tanh', not '{other}'"),
    };

    // erf has no generic form, so both forms are computed in double and rounded once
    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        var (x, y) = (input.Data, output.Data);
        for (var i = 0; i < x.Length; i++)
        {
            var v = double.CreateChecked(x[i]);
            y[i] = T.CreateChecked(tanh ? 0.5 * v * (1 + Math.Tanh(Root2OverPi * (v + Cubic * v * v * v))) : 0.5 * v * (1 + Erf.Of(v * InvRoot2)));
        }
        return output;
    }

    // dx = g·(Φ(x) + x·φ(x)); tanh form: g·(½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715·x²))
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        var (x, g, d) = (_input!.Data, gradOutput.Data, dx.Data);
        for (var i = 0; i < x.Length; i++)
        {
            var v = double.CreateChecked(x[i]);
            double slope;
            if (tanh)
            {
                var t = Math.Tanh(Root2OverPi * (v + Cubic * v * v * v));
                slope = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * Root2OverPi * (1 + 3 * Cubic * v * v);
            }
            else
                slope = 0.5 * (1 + Erf.Of(v * InvRoot2)) + v * Math.Exp(-0.5 * v * v) * InvRoot2Pi;
            d[i] = g[i] * T.CreateChecked(slope);
        }
        return dx;
    }
}
