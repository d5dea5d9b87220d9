using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>y = x·Wᵀ + b, W [out, in] as nn.Linear stores it.</summary>
[LayerKind("linear")]
public sealed class Linear<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly Parameter<T> _weight;
    readonly Parameter<T>? _bias;
    Matrix<T>? _input, _output, _gradInput;

    public Linear(int index, int inFeatures, int outFeatures, bool bias)
    {
        _weight = new Parameter<T>($"{index}.weight", [outFeatures, inFeatures], new Matrix<T>(outFeatures, inFeatures));
        _bias = bias ? new Parameter<T>($"{index}.bias", [outFeatures], new Matrix<T>(1, outFeatures)) : null;
        Parameters = _bias is null ? [_weight] : [_weight, _bias];
    }

    public static Module<T> From(LayerDescription layer) =>
        new Linear<T>(layer.Index, layer.Integer("in_features"), layer.Integer("out_features"), layer.Flag("bias", true));

    public override IReadOnlyList<Parameter<T>> Parameters { get; }

    // x·Wᵀ, then + b, as two steps: with b as the product's starting value instead (addmm's beta = 1),
    // lockstep training of the float32 Fashion-MNIST spec drifted 600× further from libtorch.
    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, _weight.Value.Rows);
        Gemm.Multiply(input, false, _weight.Value, true, output, accumulate: false);
        if (_bias is not null)
            output.AddToRows(_bias.Value.Data);
        return output;
    }

    // dW += dYᵀ·X,  db += Σ_rows dY,  dX = dY·W
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        BackwardToParameters(gradOutput);
        var gradInput = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, _weight.Value.Cols);
        Gemm.Multiply(gradOutput, false, _weight.Value, false, gradInput, accumulate: false);
        return gradInput;
    }

    public override void BackwardToParameters(Matrix<T> gradOutput)
    {
        var input = _input ?? throw new InvalidOperationException("backward before forward");
        Gemm.Multiply(gradOutput, true, input, false, _weight.Grad, accumulate: true);
        if (_bias is not null)
            gradOutput.AddColumnSumsTo(_bias.Grad.Data);
    }
}
