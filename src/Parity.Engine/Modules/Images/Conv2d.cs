using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Images;

/// <summary>
/// F.conv2d (groups 1): y[n, o] = b[o] + Σ_c W[o, c] ⋆ x[n, c], a cross-correlation with stride,
/// zero padding and dilation; W [out, in, kh, kw] as nn.Conv2d stores it. Computed by im2col: each
/// output position's receptive field becomes a row of a matrix X̃ [rows·H′·W′, in·kh·kw], and the
/// convolution one product Z = X̃·Wᵀ [rows·H′·W′, out] for the whole batch, turned into NCHW. Backward
/// is the same products transposed: dW += dZᵀ·X̃, db += Σ dZ, and dX̃ = dZ·W scattered back onto the
/// image (col2im) — the kernel's flip of the textbook's dX = dY ∗ rot180(W) is the scatter's index.
/// A batch too large for one X̃ (an evaluation split) runs in blocks of samples; every buffer is kept
/// across steps.
/// </summary>
[LayerKind("conv2d")]
public sealed class Conv2d<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Values of X̃ above which a batch runs in blocks: 16 MB of float32, 32 MB of float64.</summary>
    const int MaxColumnValues = 1 << 22;

    readonly Window _window;
    readonly Parameter<T> _weight;
    readonly Parameter<T>? _bias;
    readonly int _outChannels, _reach, _blockRows;
    Matrix<T>? _input, _output, _gradInput;
    // X̃ and Z (dZ backward) for a block of _blockRows samples, and for a shorter block (the batch's rest, or a small batch).
    Matrix<T>? _columns, _products, _tailColumns, _tailProducts;
    // Whether X̃ still holds the forward's columns of the whole batch (one block), so backward need not rebuild them.
    bool _columnsHeld;

    public Conv2d(int index, Window window, int outChannels, bool bias)
    {
        (_window, _outChannels) = (window, outChannels);
        _reach = window.Channels * window.Taps;
        _weight = new Parameter<T>($"{index}.weight", [outChannels, window.Channels, window.KernelHeight, window.KernelWidth], new Matrix<T>(outChannels, _reach));
        _bias = bias ? new Parameter<T>($"{index}.bias", [outChannels], new Matrix<T>(1, outChannels)) : null;
        Parameters = _bias is null ? [_weight] : [_weight, _bias];
        _blockRows = Math.Max(1, MaxColumnValues / Math.Max(1, window.Positions * _reach));
    }

    public static Module<T> From(LayerDescription layer) =>
        new Conv2d<T>(layer.Index, Window.Of(layer), layer.Integer("out_channels"), layer.Flag("bias", true));

    public override IReadOnlyList<Parameter<T>> Parameters { get; }

    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, _outChannels * _window.Positions);
        for (var start = 0; start < input.Rows; start += _blockRows)
        {
            var (columns, products) = Block(Math.Min(_blockRows, input.Rows - start));
            Im2Col(input, start, columns);
            Gemm.Multiply(columns, false, _weight.Value, true, products, accumulate: false);
            ToImages(products, output, start);
        }
        _columnsHeld = input.Rows <= _blockRows;
        return output;
    }

    public override Matrix<T> Backward(Matrix<T> gradOutput) => Backward(gradOutput, toInput: true)!;

    public override void BackwardToParameters(Matrix<T> gradOutput) => Backward(gradOutput, toInput: false);

    Matrix<T>? Backward(Matrix<T> gradOutput, bool toInput)
    {
        var input = _input ?? throw new InvalidOperationException("backward before forward");
        Matrix<T>? gradInput = null;
        if (toInput)
        {
            gradInput = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, _window.InputSize);
            Array.Clear(gradInput.Data);
        }
        for (var start = 0; start < gradOutput.Rows; start += _blockRows)
        {
            var (columns, gradProducts) = Block(Math.Min(_blockRows, gradOutput.Rows - start));
            if (!_columnsHeld)
                Im2Col(input, start, columns);
            FromImages(gradOutput, start, gradProducts);
            Gemm.Multiply(gradProducts, true, columns, false, _weight.Grad, accumulate: true);
            if (_bias is not null)
                gradProducts.AddColumnSumsTo(_bias.Grad.Data);
            if (gradInput is null)
                continue;
            // X̃'s buffer takes dX̃: the columns are no longer needed.
            Gemm.Multiply(gradProducts, false, _weight.Value, false, columns, accumulate: false);
            _columnsHeld = false;
            Col2Im(columns, start, gradInput);
        }
        return gradInput;
    }

    (Matrix<T> Columns, Matrix<T> Products) Block(int rows) => rows == _blockRows
        ? (Matrix<T>.Reuse(ref _columns, rows * _window.Positions, _reach), Matrix<T>.Reuse(ref _products, rows * _window.Positions, _outChannels))
        : (Matrix<T>.Reuse(ref _tailColumns, rows * _window.Positions, _reach), Matrix<T>.Reuse(ref _tailProducts, rows * _window.Positions, _outChannels));

    /// <summary>X̃ for the block's samples from row <paramref name="start"/>: one row per output position, its receptive field in (c, i, j) order, zero in the padding.</summary>
    void Im2Col(Matrix<T> input, int start, Matrix<T> columns)
    {
        var w = _window;
        var x = input.Data;
        var row = 0;
        for (var n = start; n < start + columns.Rows / w.Positions; n++)
            for (var oh = 0; oh < w.OutHeight; oh++)
                for (var ow = 0; ow < w.OutWidth; ow++, row++)
                {
                    var field = columns.Row(row);
                    var k = 0;
                    for (var c = 0; c < w.Channels; c++)
                    {
                        var plane = n * w.InputSize + c * w.Height * w.Width;
                        for (var i = 0; i < w.KernelHeight; i++)
                        {
                            var h = w.Row(oh, i);
                            if ((uint)h >= (uint)w.Height)
                            {
                                field.Slice(k, w.KernelWidth).Clear();
                                k += w.KernelWidth;
                                continue;
                            }
                            for (var j = 0; j < w.KernelWidth; j++, k++)
                            {
                                var col = w.Column(ow, j);
                                field[k] = (uint)col < (uint)w.Width ? x[plane + h * w.Width + col] : T.Zero;
                            }
                        }
                    }
                }
    }

    /// <summary>dX += dX̃ scattered back: each receptive field's gradient added onto the image positions it came from.</summary>
    void Col2Im(Matrix<T> columns, int start, Matrix<T> gradInput)
    {
        var w = _window;
        var dx = gradInput.Data;
        var row = 0;
        for (var n = start; n < start + columns.Rows / w.Positions; n++)
            for (var oh = 0; oh < w.OutHeight; oh++)
                for (var ow = 0; ow < w.OutWidth; ow++, row++)
                {
                    var field = columns.Row(row);
                    var k = 0;
                    for (var c = 0; c < w.Channels; c++)
                    {
                        var plane = n * w.InputSize + c * w.Height * w.Width;
                        for (var i = 0; i < w.KernelHeight; i++)
                        {
                            var h = w.Row(oh, i);
                            if ((uint)h >= (uint)w.Height)
                            {
                                k += w.KernelWidth;
                                continue;
                            }
                            for (var j = 0; j < w.KernelWidth; j++, k++)
                            {
                                var col = w.Column(ow, j);
                                if ((uint)col < (uint)w.Width)
                                    dx[plane + h * w.Width + col] += field[k];
                            }
                        }
                    }
                }
    }

    /// <summary>Z [samples·H′·W′, out] into the output's rows [out, H′, W′] from row <paramref name="start"/>, plus the bias.</summary>
    void ToImages(Matrix<T> products, Matrix<T> output, int start)
    {
        var (positions, channels) = (_window.Positions, _outChannels);
        var (z, y) = (products.Data, output.Data);
        var bias = _bias?.Value.Data;
        for (var s = 0; s < products.Rows / positions; s++)
        {
            var image = (start + s) * channels * positions;
            for (var p = 0; p < positions; p++)
            {
                var from = (s * positions + p) * channels;
                for (var o = 0; o < channels; o++)
                    y[image + o * positions + p] = bias is null ? z[from + o] : z[from + o] + bias[o];
            }
        }
    }

    /// <summary>dY's rows [out, H′, W′] from row <paramref name="start"/> as dZ [samples·H′·W′, out].</summary>
    void FromImages(Matrix<T> gradOutput, int start, Matrix<T> gradProducts)
    {
        var (positions, channels) = (_window.Positions, _outChannels);
        var (g, dz) = (gradOutput.Data, gradProducts.Data);
        for (var s = 0; s < gradProducts.Rows / positions; s++)
        {
            var image = (start + s) * channels * positions;
            for (var p = 0; p < positions; p++)
            {
                var to = (s * positions + p) * channels;
                for (var o = 0; o < channels; o++)
                    dz[to + o] = g[image + o * positions + p];
            }
        }
    }
}
