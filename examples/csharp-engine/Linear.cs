namespace CSharpEngine;

/// <summary>y = x·Wᵀ + b, W [out, in] as nn.Linear stores it.</summary>
sealed class Linear : Layer
{
    readonly int _in, _out;
    readonly Parameter _weight;
    readonly Parameter? _bias;
    // The planted bug PARITY_EXAMPLE_BUG=bias-grad-mean: db divided by the batch size although the loss's mean already did.
    readonly bool _biasGradientMean;
    double[] _input = [];

    public Linear(int index, int inFeatures, int outFeatures, bool bias, bool biasGradientMean)
    {
        (_in, _out, _biasGradientMean) = (inFeatures, outFeatures, biasGradientMean);
        _weight = new Parameter($"{index}.weight", [outFeatures, inFeatures]);
        _bias = bias ? new Parameter($"{index}.bias", [outFeatures]) : null;
    }

    public override IEnumerable<Parameter> Parameters => _bias is null ? [_weight] : [_weight, _bias];

    public override double[] Forward(double[] input, int rows)
    {
        _input = input;
        var (w, output) = (_weight.Value, new double[rows * _out]);
        for (var r = 0; r < rows; r++)
            for (var o = 0; o < _out; o++)
            {
                var sum = 0.0;
                for (var i = 0; i < _in; i++)
                    sum += input[r * _in + i] * w[o * _in + i];
                output[r * _out + o] = sum + (_bias?.Value[o] ?? 0);
            }
        return output;
    }

    // dW += dYᵀ·X,  db += Σ_rows dY,  dX = dY·W
    public override double[] Backward(double[] gradOutput, int rows)
    {
        var (w, dw, gradInput) = (_weight.Value, _weight.Grad, new double[rows * _in]);
        for (var r = 0; r < rows; r++)
            for (var o = 0; o < _out; o++)
            {
                var g = gradOutput[r * _out + o];
                for (var i = 0; i < _in; i++)
                {
                    dw[o * _in + i] += g * _input[r * _in + i];
                    gradInput[r * _in + i] += g * w[o * _in + i];
                }
                if (_bias is not null)
                    _bias.Grad[o] += g;
            }
        if (_bias is not null && _biasGradientMean)
            for (var o = 0; o < _out; o++)
                _bias.Grad[o] /= rows;
        return gradInput;
    }
}
