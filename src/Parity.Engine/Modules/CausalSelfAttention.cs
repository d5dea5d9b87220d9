using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// minGPT's CausalSelfAttention on the sequence [rows, T·C], H heads of d = C/H: qkv = x·Wᵀ + b
/// (c_attn, [T, 3C]: q, k, v side by side, head h their columns h·d…h·d + d − 1), per sample and head
/// A = softmax(q·kᵀ/√d) over j ≤ i (the causal mask: a position sees none after it), in training with
/// p > 0 A ⊙ m/(1 − p) with the batch's mask "{path}.mask" [rows, H, T, T], y = A·v, heads joined back
/// in their columns, out = y·Wpᵀ + bp (c_proj). Each sample's and head's products go to the BLAS where
/// they lie in qkv and y, rows 3C and C apart, never copied out; samples do not meet, so a batch may be split.
/// </summary>
[LayerKind("causal-self-attention")]
public sealed class CausalSelfAttention<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly int _width, _heads, _headWidth;
    readonly T _scale;
    readonly Linear<T> _attention, _projection;
    readonly ScaledMask<T>? _mask;
    // qkv from c_attn; A before dropout, and after it when the mask applies; y (the heads joined); d(qkv); the rows' scaled mask.
    Matrix<T>? _qkv, _probabilities, _dropped, _joined, _gradQkv, _scaledMask;
    // dA, then dS, of one sample and head.
    T[] _gradScores = [];
    bool _dropping;

    public CausalSelfAttention(string path, int width, int heads, double dropout)
    {
        if (width % heads != 0)
            throw new ArgumentException($"layer {path}: causal-self-attention's embed_dim {width} is not a multiple of num_heads {heads}");
        (_width, _heads, _headWidth) = (width, heads, width / heads);
        _scale = T.CreateChecked(1 / Math.Sqrt(_headWidth));
        _attention = new Linear<T>($"{path}.c_attn.", width, 3 * width, bias: true);
        _projection = new Linear<T>($"{path}.c_proj.", width, width, bias: true);
        _mask = dropout > 0 ? new ScaledMask<T>("causal-self-attention", path, dropout) : null;
        Parameters = [.. _attention.Parameters, .. _projection.Parameters];
    }

    public static Module<T> From(LayerDescription layer) =>
        new CausalSelfAttention<T>(layer.Path, layer.Integer("embed_dim"), layer.Integer("num_heads"), layer.Number("dropout", 0));

    public override IReadOnlyList<Parameter<T>> Parameters { get; }

    public override void Prepare(ForwardMode mode, Batch batch, int start, int rows)
    {
        _dropping = _mask is not null && mode != ForwardMode.Evaluation;
        if (_dropping)
            _scaledMask = _mask!.Load(batch, start, rows);
    }

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var (c, d, n) = (_width, _headWidth, input.Cols / _width);
        var qkv = _qkv = _attention.Forward(input);
        var probabilities = Matrix<T>.Reuse(ref _probabilities, input.Rows, _heads * n * n);
        var dropped = _dropping ? Matrix<T>.Reuse(ref _dropped, input.Rows, _heads * n * n) : probabilities;
        if (_dropping && (_scaledMask!.Rows != input.Rows || _scaledMask.Cols != dropped.Cols))
            throw new ArgumentException($"causal-self-attention's mask is [{_scaledMask.Rows}, {_scaledMask.Cols}], its attention [{input.Rows}, {dropped.Cols}] (H·T·T per row)");
        var heads = Matrix<T>.Reuse(ref _joined, input.Rows, n * c);
        for (var row = 0; row < input.Rows; row++)
            for (var h = 0; h < _heads; h++)
            {
                var q = row * n * 3 * c + h * d;
                var block = (row * _heads + h) * n * n;
                var scores = probabilities.Data.AsSpan(block, n * n);
                // q·kᵀ, then ·1/√d, as minGPT scales the product
                Gemm.Multiply<T>(n, n, d, qkv.Data.AsSpan(q), 3 * c, false, qkv.Data.AsSpan(q + c), 3 * c, true, scores, n, accumulate: false);
                for (var i = 0; i < n; i++)
                {
                    // Row i's scores for j ≤ i; the masked rest is e^(−∞) = 0.
                    var seen = scores.Slice(i * n, i + 1);
                    TensorPrimitives.Multiply(seen, _scale, seen);
                    TensorPrimitives.Subtract(seen, TensorPrimitives.Max<T>(seen), seen);
                    TensorPrimitives.Exp<T>(seen, seen);
                    TensorPrimitives.Divide(seen, TensorPrimitives.Sum<T>(seen), seen);
                    scores.Slice(i * n + i + 1, n - i - 1).Clear();
                }
                if (_dropping)
                    TensorPrimitives.Multiply<T>(scores, _scaledMask!.Data.AsSpan(block, n * n), dropped.Data.AsSpan(block, n * n));
                Gemm.Multiply<T>(n, d, n, dropped.Data.AsSpan(block, n * n), n, false, qkv.Data.AsSpan(q + 2 * c), 3 * c, false,
                    heads.Data.AsSpan(row * n * c + h * d), c, accumulate: false);
            }
        return _projection.Forward(heads);
    }

    public override Matrix<T> Backward(Matrix<T> gradOutput) => _attention.Backward(GradQkv(gradOutput));

    public override void BackwardToParameters(Matrix<T> gradOutput) => _attention.BackwardToParameters(GradQkv(gradOutput));

    // Per sample and head, from dy: dA = dy·vᵀ, dv = Aᵀ·dy; through the mask dP = dA ⊙ m/(1 − p);
    // through softmax dS = P ⊙ (dP − Σ_j dP ⊙ P) and the scale, dS/√d; dq = dS·k, dk = dSᵀ·q.
    Matrix<T> GradQkv(Matrix<T> gradOutput)
    {
        var dy = _projection.Backward(gradOutput);
        var (c, d, n) = (_width, _headWidth, dy.Cols / _width);
        var qkv = _qkv ?? throw new InvalidOperationException("backward before forward");
        var gradQkv = Matrix<T>.Reuse(ref _gradQkv, dy.Rows, qkv.Cols);
        if (_gradScores.Length != n * n)
            _gradScores = new T[n * n];
        var dS = _gradScores.AsSpan();
        for (var row = 0; row < dy.Rows; row++)
            for (var h = 0; h < _heads; h++)
            {
                var q = row * n * 3 * c + h * d;
                var block = (row * _heads + h) * n * n;
                var gradHead = dy.Data.AsSpan(row * n * c + h * d);
                var p = _probabilities!.Data.AsSpan(block, n * n);
                var dropped = _dropping ? _dropped!.Data.AsSpan(block, n * n) : p;
                Gemm.Multiply<T>(n, n, d, gradHead, c, false, qkv.Data.AsSpan(q + 2 * c), 3 * c, true, dS, n, accumulate: false);
                Gemm.Multiply<T>(n, d, n, dropped, n, true, gradHead, c, false, gradQkv.Data.AsSpan(q + 2 * c), 3 * c, accumulate: false);
                if (_dropping)
                    TensorPrimitives.Multiply(dS, _scaledMask!.Data.AsSpan(block, n * n), dS);
                for (var i = 0; i < n; i++)
                {
                    var gradSeen = dS.Slice(i * n, i + 1);
                    var seen = p.Slice(i * n, i + 1);
                    TensorPrimitives.Subtract(gradSeen, TensorPrimitives.Dot<T>(gradSeen, seen), gradSeen);
                    TensorPrimitives.Multiply(gradSeen, seen, gradSeen);
                    TensorPrimitives.Multiply(gradSeen, _scale, gradSeen);
                    dS.Slice(i * n + i + 1, n - i - 1).Clear();
                }
                Gemm.Multiply<T>(n, d, n, dS, n, false, qkv.Data.AsSpan(q + c), 3 * c, false, gradQkv.Data.AsSpan(q), 3 * c, accumulate: false);
                Gemm.Multiply<T>(n, d, n, dS, n, true, qkv.Data.AsSpan(q), 3 * c, false, gradQkv.Data.AsSpan(q + c), 3 * c, accumulate: false);
            }
        return gradQkv;
    }
}
