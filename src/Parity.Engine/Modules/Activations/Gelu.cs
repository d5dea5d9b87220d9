using MathNet.Numerics;
using System.Numerics;
using System.Numerics.Tensors;
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
    // The forward's erf(x/√2), or its tanh(…), of every input value, in float64 as computed, for the backward:
    // that one transcendental is each pass's costliest part, and reading it back gives the backward the same
    // bits as computing it again. Not kept in evaluation, which never runs a backward (LayerOps' Holds).
    double[] _kept = [];
    bool _keeps = true;

    public static Module<T> From(LayerDescription layer) => layer.Word("approximate", "none") switch
    {
        "none" => new Gelu<T>(false),
        "tanh" => new Gelu<T>(true),
        var other => throw new ArgumentException($"layer {layer.Index}: gelu's approximate is 'none' or 'tanh', not '{other}'"),
    };

    /// <summary>Values per pass of the tanh form: its float64 scratch stays in L1 from one vector operation to the next.</summary>
    const int Chunk = 512;

    // The tanh form's float64 scratch: x, tanh(…), and the derivative's two factors.
    readonly double[] _x = new double[Chunk], _tanh = new double[Chunk], _a = new double[Chunk], _b = new double[Chunk];

    public override void Prepare(ForwardMode mode, Batch batch, int start, int rows) => _keeps = mode != ForwardMode.Evaluation;

    // erf has no generic form, so both forms are computed in double and rounded once; the tanh form
    // a chunk at a time through TensorPrimitives (a transformer's MLP runs GELU on 4C values per position),
    // its products in the same order as the scalar formula.
    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        var (x, y) = (input.Data, output.Data);
        if (_keeps && _kept.Length != x.Length)
            _kept = new double[x.Length];
        if (tanh)
        {
            for (var start = 0; start < x.Length; start += Chunk)
            {
                var length = Tanh(x, start);
                var v = _x.AsSpan(0, length);
                var t = _tanh.AsSpan(0, length);
                if (_keeps)
                    t.CopyTo(_kept.AsSpan(start));
                // ½·x·(1 + t)
                TensorPrimitives.Add(t, 1.0, t);
                TensorPrimitives.Multiply(t, v, t);
                TensorPrimitives.Multiply(t, 0.5, t);
                TensorPrimitives.ConvertTruncating<double, T>(t, y.AsSpan(start, length));
            }
            return output;
        }
        for (var i = 0; i < x.Length; i++)
        {
            var v = double.CreateChecked(x[i]);
            var erf = SpecialFunctions.Erf(v * InvRoot2);
            if (_keeps)
                _kept[i] = erf;
            y[i] = T.CreateChecked(0.5 * v * (1 + erf));
        }
        return output;
    }

    // dx = g·(Φ(x) + x·φ(x)); tanh form: g·(½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715·x²))
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var dx = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        var (x, g, d) = (_input!.Data, gradOutput.Data, dx.Data);
        if (!_keeps)
            throw new InvalidOperationException("GELU's backward follows a training forward of the same input");
        if (tanh)
        {
            for (var start = 0; start < x.Length; start += Chunk)
            {
                var length = Math.Min(Chunk, x.Length - start);
                var v = _x.AsSpan(0, length);
                TensorPrimitives.ConvertTruncating<T, double>(x.AsSpan(start, length), v);
                var kept = _kept.AsSpan(start, length);
                var slope = _tanh.AsSpan(0, length);
                var a = _a.AsSpan(0, length);
                var b = _b.AsSpan(0, length);
                // a = ½x·(1 − t²)·√(2/π)·b, b = 1 + 3·0.044715·x²
                TensorPrimitives.Multiply(v, 3 * Cubic, b);
                TensorPrimitives.Multiply(b, v, b);
                TensorPrimitives.Add(b, 1.0, b);
                TensorPrimitives.Multiply(kept, kept, a);
                TensorPrimitives.Subtract(1.0, a, a);
                TensorPrimitives.Multiply(a, v, a);
                TensorPrimitives.Multiply(a, 0.5, a);
                TensorPrimitives.Multiply(a, Root2OverPi, a);
                TensorPrimitives.Multiply(a, b, a);
                // slope = ½(1 + t) + a, rounded to T, times g
                TensorPrimitives.Add(kept, 1.0, slope);
                TensorPrimitives.Multiply(slope, 0.5, slope);
                TensorPrimitives.Add(slope, a, slope);
                var rounded = d.AsSpan(start, length);
                TensorPrimitives.ConvertTruncating<double, T>(slope, rounded);
                TensorPrimitives.Multiply<T>(g.AsSpan(start, length), rounded, rounded);
            }
            return dx;
        }
        for (var i = 0; i < x.Length; i++)
        {
            var v = double.CreateChecked(x[i]);
            var slope = 0.5 * (1 + _kept[i]) + v * Math.Exp(-0.5 * v * v) * InvRoot2Pi;
            d[i] = g[i] * T.CreateChecked(slope);
        }
        return dx;
    }

    /// <summary>The chunk of <paramref name="x"/> from <paramref name="start"/> in float64 into _x, and t = tanh(√(2/π)·(x + 0.044715·x³)) of it into _tanh; returns its length.</summary>
    int Tanh(T[] x, int start)
    {
        var length = Math.Min(Chunk, x.Length - start);
        var v = _x.AsSpan(0, length);
        var t = _tanh.AsSpan(0, length);
        TensorPrimitives.ConvertTruncating<T, double>(x.AsSpan(start, length), v);
        // ((0.044715·x)·x)·x, + x, ·√(2/π), as the scalar formula multiplies
        TensorPrimitives.Multiply(v, Cubic, t);
        TensorPrimitives.Multiply(t, v, t);
        TensorPrimitives.Multiply(t, v, t);
        TensorPrimitives.Add(v, t, t);
        TensorPrimitives.Multiply(t, Root2OverPi, t);
        TensorPrimitives.Tanh(t, t);
        return length;
    }
}
