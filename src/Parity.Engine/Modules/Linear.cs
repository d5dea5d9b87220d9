using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// y = x·Wᵀ + b, W [out, in] as nn.Linear stores it, on the last dimension: a sequence's rows
/// [rows, T·in] are the matrix [rows·T, in] over the same values (a sample's positions lie one after
/// another), so a sequence costs one product like any batch.
/// </summary>
[LayerKind("linear")]
public sealed class Linear<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly Parameter<T> _weight;
    readonly Parameter<T>? _bias;
    // X, Y and dX as [rows·T, features]; the views hand them in and out as [rows, T·features].
    Matrix<T>? _input, _output, _gradInput;
    Matrix<T>? _inputView, _outputView, _gradOutputView, _gradInputView;

    public Linear(string prefix, int inFeatures, int outFeatures, bool bias)
    {
        _weight = new Parameter<T>($"{prefix}weight", [outFeatures, inFeatures], new Matrix<T>(outFeatures, inFeatures));
        _bias = bias ? new Parameter<T>($"{prefix}bias", [outFeatures], new Matrix<T>(1, outFeatures)) : null;
        Parameters = _bias is null ? [_weight] : [_weight, _bias];
    }

    public static Module<T> From(LayerDescription layer) =>
        new Linear<T>(layer.Prefix, layer.Integer("in_features"), layer.Integer("out_features"), layer.Flag("bias", true));

    public override IReadOnlyList<Parameter<T>> Parameters { get; }

    // x·Wᵀ, then + b, as two steps: with b as the product's starting value instead (addmm's beta = 1),
    // lockstep training of the float32 Fashion-MNIST spec drifted 600× further from libtorch.
    public override Matrix<T> Forward(Matrix<T> input)
    {
        var x = _input = Positions(ref _inputView, input, _weight.Value.Cols);
        var output = Matrix<T>.Reuse(ref _output, x.Rows, _weight.Value.Rows);
        Gemm.Multiply(x, false, _weight.Value, true, output, accumulate: false);
        if (_bias is not null)
            output.AddToRows(_bias.Value.Data);
        return Matrix<T>.View(ref _outputView, output, input.Rows, input.Cols / _weight.Value.Cols * _weight.Value.Rows);
    }

    // dW += dYᵀ·X,  db += Σ_rows dY,  dX = dY·W
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        BackwardToParameters(gradOutput);
        var dy = Positions(ref _gradOutputView, gradOutput, _weight.Value.Rows);
        var gradInput = Matrix<T>.Reuse(ref _gradInput, dy.Rows, _weight.Value.Cols);
        Gemm.Multiply(dy, false, _weight.Value, false, gradInput, accumulate: false);
        return Matrix<T>.View(ref _gradInputView, gradInput, gradOutput.Rows, gradOutput.Cols / _weight.Value.Rows * _weight.Value.Cols);
    }

    public override void BackwardToParameters(Matrix<T> gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("backward before forward");
        var dy = Positions(ref _gradOutputView, gradOutput, _weight.Value.Rows);
        Gemm.Multiply(dy, true, input, false, _weight.Grad, accumulate: true);
        if (_bias is not null)
            dy.AddColumnSumsTo(_bias.Grad.Data);
    }

    /// <summary>[rows, T·features] as [rows·T, features]: every position a row of the product.</summary>
    static Matrix<T> Positions(ref Matrix<T>? view, Matrix<T> matrix, int features) =>
        Matrix<T>.View(ref view, matrix, matrix.Rows * (matrix.Cols / features), features);
}
