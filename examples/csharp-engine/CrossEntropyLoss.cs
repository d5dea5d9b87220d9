using Parity.Contract;

namespace CSharpEngine;

/// <summary>Cross-entropy over logits and class indices: log-sum-exp shifted by each row's maximum, minus the target's logit; the gradient softmax − one-hot.</summary>
sealed class CrossEntropyLoss(bool mean) : Loss(mean)
{
    double[] _softmax = [];
    int[] _classes = [];
    int _rows, _width;

    public override double Forward(double[] output, int rows, int width, Batch batch)
    {
        (_rows, _width, _classes, _softmax) = (rows, width, batch.Classes!, new double[output.Length]);
        var sum = 0.0;
        for (var r = 0; r < rows; r++)
        {
            var row = output.AsSpan(r * width, width);
            var max = row.ToArray().Max();
            var exps = 0.0;
            for (var c = 0; c < width; c++)
                exps += _softmax[r * width + c] = Math.Exp(row[c] - max);
            for (var c = 0; c < width; c++)
                _softmax[r * width + c] /= exps;
            sum += max + Math.Log(exps) - row[_classes[r]];
        }
        return Reduce(sum, rows);
    }

    public override double[] Backward()
    {
        var scale = Scale(_rows);
        var grad = _softmax.Select(s => scale * s).ToArray();
        for (var r = 0; r < _rows; r++)
            grad[r * _width + _classes[r]] -= scale;
        return grad;
    }
}
