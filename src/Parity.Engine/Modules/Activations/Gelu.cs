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
    static readonly double InvRoot2 = 1 / Math.Sqrt(2), InvRoot2Pi = 1 / Math.Sqrt(2 * Math.PI);
    static readonly T Cubic3 = T.CreateChecked(3 * Cubic), CubicT = T.CreateChecked(Cubic), Half = T.CreateChecked(0.5),
        Root2OverPi = T.CreateChecked(Math.Sqrt(2 / Math.PI));

    /// <summary>Values per pass of the tanh form: a chunk's scratch stays in L1 from one vector operation to the next.</summary>
    const int Chunk = 512;

    Matrix<T>? _input, _output, _gradInput;
    // The forward's erf(x/√2), or its tanh(…), of every input value, for the backward: that one
    // transcendental is each pass's costliest part. Not kept in evaluation, which never runs a backward
    // (LayerOps' Holds counts it in training).
    T[] _kept = [];
    bool _keeps = true;
    // The tanh form's scratch: tanh(…) in evaluation, and the derivative's two factors.
    readonly T[] _tanh = new T[Chunk], _a = new T[Chunk], _b = new T[Chunk];

    public static Module<T> From(LayerDescription layer) => layer.Word("approximate", "none") switch
    {
        "none" => new Gelu<T>(false),
        "tanh" => new Gelu<T>(true),
        var other => throw new ArgumentException($"layer {layer.Index}: gelu's approximate is 'none' or 'tanh', not '{other}'"),
    };

    public override void Prepare(ForwardMode mode, Batch batch, int start, int rows) => _keeps = mode != ForwardMode.Evaluation;

    // The tanh form in T, as PyTorch computes it, a chunk at a time through TensorPrimitives (a transformer's
    // MLP runs GELU on 4C values per position), its products in the order of the formula; erf has no generic
    // form, so the exact form is computed in double and rounded once.
    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        var (x, y) = (input.Data, output.Data);
        if (_keeps && _kept.Length != x.Length)
            _kept = new T[x.Length];
        if (tanh)
        {
            for (var start = 0; start < x.Length; start += Chunk)
            {
                var length = Math.Min(Chunk, x.Length - start);
                var v = x.AsSpan(start, length);
                var t = _keeps ? _kept.AsSpan(start, length) : _tanh.AsSpan(0, length);
                // t = tanh(√(2/π)·(x + ((0.044715·x)·x)·x))
                TensorPrimitives.Multiply(v, CubicT, t);
                TensorPrimitives.Multiply(t, v, t);
                TensorPrimitives.Multiply(t, v, t);
                TensorPrimitives.Add(v, t, t);
                TensorPrimitives.Multiply(t, Root2OverPi, t);
                TensorPrimitives.Tanh(t, t);
                // ½·x·(1 + t)
                var o = y.AsSpan(start, length);
                TensorPrimitives.Add(t, T.One, o);
                TensorPrimitives.Multiply(o, v, o);
                TensorPrimitives.Multiply(o, Half, o);
            }
            return output;
        }
        for (var i = 0; i < x.Length; i++)
        {
            var v = double.CreateChecked(x[i]);
            var erf = SpecialFunctions.Erf(v * InvRoot2);
            if (_keeps)
                _kept[i] = T.CreateChecked(erf);
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
                var v = x.AsSpan(start, length);
                var t = _kept.AsSpan(start, length);
                var a = _a.AsSpan(0, length);
                var b = _b.AsSpan(0, length);
                // a = ½x·(1 − t²)·√(2/π)·b, b = 1 + 3·0.044715·x²
                TensorPrimitives.Multiply(v, Cubic3, b);
                TensorPrimitives.Multiply(b, v, b);
                TensorPrimitives.Add(b, T.One, b);
                TensorPrimitives.Multiply(t, t, a);
                TensorPrimitives.Subtract(T.One, a, a);
                TensorPrimitives.Multiply(a, v, a);
                TensorPrimitives.Multiply(a, Half, a);
                TensorPrimitives.Multiply(a, Root2OverPi, a);
                TensorPrimitives.Multiply(a, b, a);
                // (½(1 + t) + a)·g
                var slope = d.AsSpan(start, length);
                TensorPrimitives.Add(t, T.One, slope);
                TensorPrimitives.Multiply(slope, Half, slope);
                TensorPrimitives.Add(slope, a, slope);
                TensorPrimitives.Multiply(g.AsSpan(start, length), slope, slope);
            }
            return dx;
        }
        for (var i = 0; i < x.Length; i++)
        {
            var v = double.CreateChecked(x[i]);
            var slope = 0.5 * (1 + double.CreateChecked(_kept[i])) + v * Math.Exp(-0.5 * v * v) * InvRoot2Pi;
            d[i] = g[i] * T.CreateChecked(slope);
        }
        return dx;
    }
}
