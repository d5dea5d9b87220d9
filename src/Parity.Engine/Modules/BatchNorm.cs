using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// nn.BatchNorm1d on [rows, C] or [rows, C, L], nn.BatchNorm2d on [rows, C, H, W], each row held in
/// PyTorch's order (channel by channel, S = L or H·W positions each). In training, each channel is
/// normalised by its batch mean μ and biased variance σ² over its n = rows·S values,
/// y = (x − μ)/√(σ² + eps)·w + b, and the training step (not Forward's inspection) then moves the running
/// statistics: running_mean ← (1 − m)·running_mean + m·μ, running_var ← (1 − m)·running_var + m·σ²·n/(n − 1),
/// num_batches_tracked + 1. In evaluation the running statistics normalise. Sums are in float64, as
/// PyTorch's CPU kernel accumulates. The three choices where implementations part from PyTorch — which
/// variance normalises, which one running_var keeps, which statistics evaluation uses — are named
/// methods, so that a variant (a planted bug in the tests) changes one of them and nothing else.
/// </summary>
[LayerKind("batch-norm1d")]
[LayerKind("batch-norm2d")]
public class BatchNorm<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly int _channels, _size;
    readonly double _momentum, _eps;
    readonly Parameter<T>? _weight, _bias;
    readonly Parameter<T> _runningMean, _runningVar, _batches;
    // Per channel: the batch's mean and 1/√(σ² + eps) (of the running statistics in evaluation), and backward's sums.
    readonly double[] _mean, _invStd, _gradSum, _dot;
    Matrix<T>? _input, _output, _gradInput;
    ForwardMode _mode;

    public BatchNorm(string prefix, int channels, int size, double momentum, double eps, bool affine)
    {
        (_channels, _size, _momentum, _eps) = (channels, size, momentum, eps);
        if (affine)
        {
            _weight = new Parameter<T>($"{prefix}weight", [channels], new Matrix<T>(1, channels));
            _bias = new Parameter<T>($"{prefix}bias", [channels], new Matrix<T>(1, channels));
        }
        _runningMean = new Parameter<T>($"{prefix}running_mean", [channels], new Matrix<T>(1, channels));
        _runningVar = new Parameter<T>($"{prefix}running_var", [channels], new Matrix<T>(1, channels));
        _batches = new Parameter<T>($"{prefix}num_batches_tracked", [], new Matrix<T>(1, 1));
        Parameters = affine ? [_weight!, _bias!] : [];
        Buffers = [_runningMean, _runningVar, _batches];
        (_mean, _invStd, _gradSum, _dot) = (new double[channels], new double[channels], new double[channels], new double[channels]);
    }

    /// <summary>The layer's batch norm: C = the input's first dimension, S = the rest's size.</summary>
    public BatchNorm(LayerDescription layer)
        : this(layer.Prefix, layer.InputShape[0], layer.InputShape.Skip(1).Aggregate(1, (n, d) => n * d),
            layer.Number("momentum", 0.1), layer.Number("eps", 1e-5), layer.Flag("affine", true))
    {
    }

    public static Module<T> From(LayerDescription layer) => new BatchNorm<T>(layer);

    public override IReadOnlyList<Parameter<T>> Parameters { get; }

    public override IReadOnlyList<Parameter<T>> Buffers { get; }

    public override bool CouplesRows => true;

    public override void Prepare(ForwardMode mode, Batch batch, int start, int rows) => _mode = mode;

    /// <summary>The variance a batch is normalised by, from its sum of squared deviations over n values: PyTorch's biased Σ/n.</summary>
    protected virtual double NormalisingVariance(double squares, int n) => squares / n;

    /// <summary>The variance running_var moves toward: PyTorch's unbiased Σ/(n − 1).</summary>
    protected virtual double RunningVariance(double squares, int n) => squares / (n - 1);

    /// <summary>Whether the forward normalises by the running statistics: in evaluation, as PyTorch's eval mode.</summary>
    protected virtual bool NormalisesByRunningStatistics(ForwardMode mode) => mode == ForwardMode.Evaluation;

    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        if (NormalisesByRunningStatistics(_mode))
            for (var c = 0; c < _channels; c++)
                (_mean[c], _invStd[c]) = (double.CreateChecked(_runningMean.Value.Data[c]), 1 / Math.Sqrt(double.CreateChecked(_runningVar.Value.Data[c]) + _eps));
        else
            BatchStatistics(input);
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        for (var c = 0; c < _channels; c++)
        {
            // y = x·α + β, α = w/√(σ² + eps), β = b − μ·α: PyTorch's transform of the input
            var alpha = _invStd[c] * (_weight is null ? 1 : double.CreateChecked(_weight.Value.Data[c]));
            var beta = (_bias is null ? 0 : double.CreateChecked(_bias.Value.Data[c])) - _mean[c] * alpha;
            var (a, b) = (T.CreateChecked(alpha), T.CreateChecked(beta));
            for (var r = 0; r < input.Rows; r++)
            {
                var at = r * input.Cols + c * _size;
                for (var s = 0; s < _size; s++)
                    output.Data[at + s] = input.Data[at + s] * a + b;
            }
        }
        return output;
    }

    /// <summary>μ and 1/√(σ² + eps) of each channel over the batch; a training step also moves the running statistics.</summary>
    void BatchStatistics(Matrix<T> input)
    {
        var n = input.Rows * _size;
        for (var c = 0; c < _channels; c++)
        {
            var sum = 0.0;
            for (var r = 0; r < input.Rows; r++)
                for (var s = 0; s < _size; s++)
                    sum += double.CreateChecked(input.Data[r * input.Cols + c * _size + s]);
            var mean = sum / n;
            var squares = 0.0;
            for (var r = 0; r < input.Rows; r++)
                for (var s = 0; s < _size; s++)
                {
                    var d = double.CreateChecked(input.Data[r * input.Cols + c * _size + s]) - mean;
                    squares += d * d;
                }
            (_mean[c], _invStd[c]) = (mean, 1 / Math.Sqrt(NormalisingVariance(squares, n) + _eps));
            if (_mode != ForwardMode.Training)
                continue;
            var (runningMean, runningVar) = (_runningMean.Value.Data, _runningVar.Value.Data);
            runningMean[c] = T.CreateChecked((1 - _momentum) * double.CreateChecked(runningMean[c]) + _momentum * mean);
            runningVar[c] = T.CreateChecked((1 - _momentum) * double.CreateChecked(runningVar[c]) + _momentum * RunningVariance(squares, n));
        }
        if (_mode == ForwardMode.Training)
            _batches.Value.Data[0] += T.One;
    }

    // dx = (g − Σg/n − (x − μ)·Σ(g·(x − μ))·invstd²/n)·invstd·w, dw += Σ g·(x − μ)·invstd, db += Σ g  (batch_norm_backward on the batch statistics)
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        if (NormalisesByRunningStatistics(_mode))
            throw new InvalidOperationException("batch norm's backward follows a training forward; this forward was an evaluation");
        var x = _input!;
        var n = x.Rows * _size;
        Array.Clear(_gradSum);
        Array.Clear(_dot);
        for (var r = 0; r < x.Rows; r++)
            for (var c = 0; c < _channels; c++)
            {
                var at = r * x.Cols + c * _size;
                for (var s = 0; s < _size; s++)
                {
                    var g = double.CreateChecked(gradOutput.Data[at + s]);
                    _gradSum[c] += g;
                    _dot[c] += g * (double.CreateChecked(x.Data[at + s]) - _mean[c]);
                }
            }
        var gradInput = Matrix<T>.Reuse(ref _gradInput, x.Rows, x.Cols);
        for (var c = 0; c < _channels; c++)
        {
            var weight = _weight is null ? 1 : double.CreateChecked(_weight.Value.Data[c]);
            var (gradMean, projection, scale) = (_gradSum[c] / n, _dot[c] * _invStd[c] * _invStd[c] / n, _invStd[c] * weight);
            for (var r = 0; r < x.Rows; r++)
            {
                var at = r * x.Cols + c * _size;
                for (var s = 0; s < _size; s++)
                {
                    var centred = double.CreateChecked(x.Data[at + s]) - _mean[c];
                    gradInput.Data[at + s] = T.CreateChecked((double.CreateChecked(gradOutput.Data[at + s]) - gradMean - centred * projection) * scale);
                }
            }
            if (_weight is not null)
            {
                _weight.Grad.Data[c] += T.CreateChecked(_dot[c] * _invStd[c]);
                _bias!.Grad.Data[c] += T.CreateChecked(_gradSum[c]);
            }
        }
        return gradInput;
    }
}
