using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>The mistake <see cref="PlantedAttention"/> makes.</summary>
enum AttentionMistake
{
    /// <summary>dS = P ⊙ dP: softmax's Jacobian without its −P·Pᵀ part.</summary>
    JacobianSubtractionMissing,

    /// <summary>Backward recomputes P without the causal mask and uses it for dv and dS.</summary>
    MaskMissingInBackward,

    /// <summary>dq = dS·k and dk = dSᵀ·q, without forward's 1/√d.</summary>
    ScaleMissingInBackward,

    /// <summary>Head h takes every H-th column, h, h + H, … (view(B, T, d, H)), in forward and backward alike.</summary>
    HeadsInterleaved,
}

/// <summary>
/// minGPT's causal self-attention written head by head: each sample's and head's q, k, v gathered into [T, d]
/// matrices, S = q·kᵀ/√d, P = softmax(S) over j ≤ i, y = P·v, with one <see cref="AttentionMistake"/> in it.
/// c_attn and c_proj are the engine's Linear; the planted mistake is between them. Without dropout (refused).
/// </summary>
sealed class PlantedAttention : Module<double>
{
    readonly AttentionMistake _mistake;
    readonly int _heads, _headWidth;
    readonly double _scale;
    readonly Linear<double> _attention, _projection;
    // q, k, v and P of each sample and head (index row·H + h), kept from forward for backward.
    Matrix<double>[] _q = [], _k = [], _v = [], _p = [];
    Matrix<double>? _joined;

    public PlantedAttention(LayerDescription layer, AttentionMistake mistake)
    {
        if (layer.Number("dropout", 0) > 0)
            throw new ArgumentException($"layer {layer.Path}: the planted attention has no dropout; plant it in a spec without");
        var width = layer.Integer("embed_dim");
        (_mistake, _heads) = (mistake, layer.Integer("num_heads"));
        _headWidth = width / _heads;
        _scale = 1 / Math.Sqrt(_headWidth);
        _attention = new Linear<double>($"{layer.Path}.c_attn.", width, 3 * width, bias: true);
        _projection = new Linear<double>($"{layer.Path}.c_proj.", width, width, bias: true);
        Parameters = [.. _attention.Parameters, .. _projection.Parameters];
    }

    public override IReadOnlyList<Parameter<double>> Parameters { get; }

    public override Matrix<double> Forward(Matrix<double> input)
    {
        var qkv = _attention.Forward(input);
        var (rows, width) = (input.Rows, _heads * _headWidth);
        var positions = input.Cols / width;
        _q = Heads(rows, positions, _headWidth);
        (_k, _v, _p) = (Heads(rows, positions, _headWidth), Heads(rows, positions, _headWidth), Heads(rows, positions, positions));
        var joined = Matrix<double>.Reuse(ref _joined, rows, input.Cols);
        for (var head = 0; head < _q.Length; head++)
        {
            var (row, h) = (head / _heads, head % _heads);
            Gather(qkv, row, 0, h, _q[head]);
            Gather(qkv, row, width, h, _k[head]);
            Gather(qkv, row, 2 * width, h, _v[head]);
            Softmax(_q[head], _k[head], _p[head], causal: true);
            Scatter(Product(_p[head], false, _v[head], false), joined, row, 0, h);
        }
        return _projection.Forward(joined);
    }

    public override Matrix<double> Backward(Matrix<double> gradOutput)
    {
        var gradJoined = _projection.Backward(gradOutput);
        var gradQkv = new Matrix<double>(gradJoined.Rows, 3 * gradJoined.Cols);
        var width = _heads * _headWidth;
        for (var head = 0; head < _q.Length; head++)
        {
            var (row, h) = (head / _heads, head % _heads);
            var gradY = new Matrix<double>(_q[head].Rows, _headWidth);
            Gather(gradJoined, row, 0, h, gradY);
            var p = _p[head];
            if (_mistake == AttentionMistake.MaskMissingInBackward)
                Softmax(_q[head], _k[head], p = new Matrix<double>(p.Rows, p.Cols), causal: false);
            var gradS = Product(gradY, false, _v[head], true);
            for (var i = 0; i < p.Rows; i++)
            {
                var weighted = _mistake == AttentionMistake.JacobianSubtractionMissing ? 0 : Enumerable.Range(0, p.Cols).Sum(j => p[i, j] * gradS[i, j]);
                for (var j = 0; j < p.Cols; j++)
                    gradS[i, j] = p[i, j] * (gradS[i, j] - weighted) * (_mistake == AttentionMistake.ScaleMissingInBackward ? 1 : _scale);
            }
            Scatter(Product(gradS, false, _k[head], false), gradQkv, row, 0, h);
            Scatter(Product(gradS, true, _q[head], false), gradQkv, row, width, h);
            Scatter(Product(p, true, gradY, false), gradQkv, row, 2 * width, h);
        }
        return _attention.Backward(gradQkv);
    }

    /// <summary>One [n, cols] matrix for each sample and head.</summary>
    Matrix<double>[] Heads(int rows, int n, int cols) => [.. Enumerable.Range(0, rows * _heads).Select(_ => new Matrix<double>(n, cols))];

    /// <summary>P = softmax(q·kᵀ/√d) row by row, over j ≤ i when <paramref name="causal"/>, else over every j.</summary>
    void Softmax(Matrix<double> q, Matrix<double> k, Matrix<double> p, bool causal)
    {
        Gemm.Multiply(q, false, k, true, p, accumulate: false);
        for (var i = 0; i < p.Rows; i++)
        {
            var seen = causal ? i + 1 : p.Cols;
            var max = Enumerable.Range(0, seen).Max(j => p[i, j]);
            var sum = 0.0;
            for (var j = 0; j < p.Cols; j++)
                sum += p[i, j] = j < seen ? Math.Exp((p[i, j] - max) * _scale) : 0;
            for (var j = 0; j < seen; j++)
                p[i, j] /= sum;
        }
    }

    static Matrix<double> Product(Matrix<double> a, bool transposeA, Matrix<double> b, bool transposeB)
    {
        var c = new Matrix<double>(transposeA ? a.Cols : a.Rows, transposeB ? b.Rows : b.Cols);
        Gemm.Multiply(a, transposeA, b, transposeB, c, accumulate: false);
        return c;
    }

    /// <summary>Where element e of head h at position t lies in sample <paramref name="row"/> of a [rows, T·width] tensor, past <paramref name="offset"/> (q 0, k C, v 2C).</summary>
    int At(Matrix<double> whole, int positions, int row, int offset, int h, int t, int e) =>
        row * whole.Cols + t * (whole.Cols / positions) + offset + (_mistake == AttentionMistake.HeadsInterleaved ? e * _heads + h : h * _headWidth + e);

    void Gather(Matrix<double> whole, int row, int offset, int h, Matrix<double> head)
    {
        for (var t = 0; t < head.Rows; t++)
            for (var e = 0; e < _headWidth; e++)
                head[t, e] = whole.Data[At(whole, head.Rows, row, offset, h, t, e)];
    }

    void Scatter(Matrix<double> head, Matrix<double> whole, int row, int offset, int h)
    {
        for (var t = 0; t < head.Rows; t++)
            for (var e = 0; e < _headWidth; e++)
                whole.Data[At(whole, head.Rows, row, offset, h, t, e)] = head[t, e];
    }
}
