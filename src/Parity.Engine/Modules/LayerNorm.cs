using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// nn.LayerNorm over the last dimension C, each position of each row on its own:
/// x̂ = (x − μ)/√(σ² + eps) with the position's mean μ and biased variance σ², y = x̂·w + b when
/// elementwise_affine (w, b [C]), else y = x̂. Rows do not meet: a batch may be split.
/// </summary>
[LayerKind("layer-norm")]
public sealed class LayerNorm<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly int _width;
    readonly T _eps;
    readonly Parameter<T>? _weight, _bias;
    // x̂ and 1/√(σ² + eps) of every position, kept for backward; dx̂ of one position.
    Matrix<T>? _normalised, _output, _gradInput, _gradOutputView;
    T[] _invStd = [];
    readonly T[] _gradNormalised;

    public LayerNorm(string prefix, int width, double eps, bool affine)
    {
        (_width, _eps, _gradNormalised) = (width, T.CreateChecked(eps), new T[width]);
        if (affine)
        {
            _weight = new Parameter<T>($"{prefix}weight", [width], new Matrix<T>(1, width));
            _bias = new Parameter<T>($"{prefix}bias", [width], new Matrix<T>(1, width));
        }
        Parameters = affine ? [_weight!, _bias!] : [];
    }

    public static Module<T> From(LayerDescription layer) => layer.Integers("normalized_shape") is [var width]
        ? new LayerNorm<T>(layer.Prefix, width, layer.Number("eps", 1e-5), layer.Flag("elementwise_affine", true))
        : throw new ArgumentException($"layer {layer.Path}: the built-in engine's layer-norm normalises the last dimension alone (normalized_shape [C])");

    public override IReadOnlyList<Parameter<T>> Parameters { get; }

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var c = _width;
        var positions = input.Data.Length / c;
        var normalised = Matrix<T>.Reuse(ref _normalised, input.Rows, input.Cols);
        if (_invStd.Length != positions)
            _invStd = new T[positions];
        var n = T.CreateChecked(c);
        for (var p = 0; p < positions; p++)
        {
            var x = input.Data.AsSpan(p * c, c);
            var xHat = normalised.Data.AsSpan(p * c, c);
            TensorPrimitives.Subtract(x, TensorPrimitives.Sum<T>(x) / n, xHat);
            var invStd = T.One / T.Sqrt(TensorPrimitives.SumOfSquares<T>(xHat) / n + _eps);
            TensorPrimitives.Multiply(xHat, invStd, xHat);
            _invStd[p] = invStd;
        }
        if (_weight is null)
            return normalised;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        for (var p = 0; p < positions; p++)
            TensorPrimitives.FusedMultiplyAdd<T>(normalised.Data.AsSpan(p * c, c), _weight.Value.Data, _bias!.Value.Data, output.Data.AsSpan(p * c, c));
        return output;
    }

    // dx̂ = g·w;  dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂))/√(σ² + eps);  dw += Σ g ⊙ x̂,  db += Σ g over positions
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var c = _width;
        var positions = gradOutput.Data.Length / c;
        var gradInput = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        var n = T.CreateChecked(c);
        for (var p = 0; p < positions; p++)
        {
            var g = gradOutput.Data.AsSpan(p * c, c);
            var xHat = _normalised!.Data.AsSpan(p * c, c);
            var dx = gradInput.Data.AsSpan(p * c, c);
            ReadOnlySpan<T> gradNormalised = g;
            if (_weight is not null)
            {
                TensorPrimitives.Multiply<T>(g, _weight.Value.Data, _gradNormalised);
                TensorPrimitives.FusedMultiplyAdd<T>(g, xHat, _weight.Grad.Data, _weight.Grad.Data);
                gradNormalised = _gradNormalised;
            }
            var mean = TensorPrimitives.Sum(gradNormalised) / n;
            var projection = TensorPrimitives.Dot(gradNormalised, xHat) / n;
            TensorPrimitives.MultiplyAdd(xHat, -projection, gradNormalised, dx);
            TensorPrimitives.Subtract(dx, mean, dx);
            TensorPrimitives.Multiply(dx, _invStd[p], dx);
        }
        if (_bias is not null)
            Matrix<T>.View(ref _gradOutputView, gradOutput, positions, c).AddColumnSumsTo(_bias.Grad.Data);
        return gradInput;
    }
}
