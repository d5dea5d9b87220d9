using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Images;

/// <summary>
/// F.conv2d (groups 1): y[n, o] = b[o] + Σ_c W[o, c] ⋆ x[n, c], a cross-correlation with stride,
/// zero padding and dilation; W [out, in, kh, kw] as nn.Conv2d stores it. Computed by im2col as
/// Caffe lays it out: each kernel tap (c, i, j) becomes a row of X̃ [in·kh·kw, samples·H′·W′] holding
/// the input it meets at every output position, and the convolution is one product per block of samples,
/// made as Zᵀ = X̃ᵀ·Wᵀ [samples·H′·W′, out] — long products the BLAS runs well even with few channels —
/// and transposed into NCHW a sample at a time. Backward takes Z's gradient as dZ [out, samples·H′·W′]:
/// dW += dZ·X̃ᵀ, db += Σ dZ, and dX̃ = Wᵀ·dZ added back onto the image (col2im) — the kernel's flip of
/// the textbook's dX = dY ∗ rot180(W) is the scatter's index. The batch runs in blocks of a few samples
/// whose X̃ and Z fit a core's L2 together (<see cref="BlockBytes"/>); every buffer is kept across steps.
/// </summary>
[LayerKind("conv2d")]
public sealed class Conv2d<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Bytes of X̃ and Z together per block of samples: half of a 1 MiB L2, the smallest of current x86 server
    /// cores, so that im2col writes X̃ into L2, the product reads it and writes Z there, and the copy into the
    /// images reads Z from there, instead of each going through memory. In whole-batch blocks (up to 16 MB of X̃)
    /// the Fashion CNN's engine step at batch 64 on one thread took 11.8 ms; in blocks of this size 10.0–10.2
    /// (conv1 forward and weight gradient 1.20 + 1.27 → 0.56 + 0.63 ms, conv2 forward 2.54 → 2.10–2.19, its
    /// backward unchanged at 3.0–3.2; a 5th-generation Xeon, 2 MiB L2). Blocks of a quarter of this
    /// slowed conv2, of one and a half times it slowed conv1.
    /// </summary>
    const int BlockBytes = 1 << 19;

    readonly Window _window;
    readonly Parameter<T> _weight;
    readonly Parameter<T>? _bias;
    readonly int _outChannels, _reach, _blockRows;
    Matrix<T>? _input, _output, _gradInput;
    // X̃ and dZ (backward) for a block of _blockRows samples, and for a shorter block (the batch's rest, or a small batch);
    // forward, dZ's buffer seen as Zᵀ.
    Matrix<T>? _columns, _products, _tailColumns, _tailProducts, _byPosition, _tailByPosition;
    // Whether X̃ still holds the forward's columns of the whole batch (one block), so backward need not rebuild them.
    bool _columnsHeld;
    // For a 'same' window (Shifted): per kernel tap, the bytes of a row of positions, all ones where the tap meets the
    // image and zero where it falls in the padding.
    readonly byte[] _insideMasks = [];

    public Conv2d(string prefix, Window window, int outChannels, bool bias)
    {
        (_window, _outChannels) = (window, outChannels);
        _reach = window.Channels * window.Taps;
        _weight = new Parameter<T>($"{prefix}weight", [outChannels, window.Channels, window.KernelHeight, window.KernelWidth], new Matrix<T>(outChannels, _reach));
        _bias = bias ? new Parameter<T>($"{prefix}bias", [outChannels], new Matrix<T>(1, outChannels)) : null;
        Parameters = _bias is null ? [_weight] : [_weight, _bias];
        _blockRows = Math.Max(1, BlockBytes / Math.Max(1, window.Positions * (_reach + outChannels) * Unsafe.SizeOf<T>()));
        if (IsShifted(window))
        {
            var (offsets, size) = (window.TapOffsets(), Unsafe.SizeOf<T>());
            _insideMasks = new byte[window.Taps * window.Positions * size];
            for (var tap = 0; tap < window.Taps; tap++)
                for (var p = 0; p < window.Positions; p++)
                    if (offsets[p * window.Taps + tap] >= 0)
                        _insideMasks.AsSpan((tap * window.Positions + p) * size, size).Fill(0xFF);
        }
    }

    /// <summary>Whether the window is of stride 1 and its output as wide as its input, the case of <see cref="Shifted"/>.</summary>
    static bool IsShifted(Window w) => w.StrideHeight == 1 && w.StrideWidth == 1 && w.OutWidth == w.Width;

    public static Module<T> From(LayerDescription layer) =>
        new Conv2d<T>(layer.Prefix, Window.Of(layer), layer.Integer("out_channels"), layer.Flag("bias", true));

    public override IReadOnlyList<Parameter<T>> Parameters { get; }

    public override Matrix<T> Forward(Matrix<T> input)
    {
        _input = input;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, _outChannels * _window.Positions);
        for (var start = 0; start < input.Rows; start += _blockRows)
        {
            var (columns, _, byPosition) = Block(Math.Min(_blockRows, input.Rows - start));
            Im2Col(input, start, columns);
            // Zᵀ = X̃ᵀ·Wᵀ [samples·H′·W′, out] rather than Z = W·X̃: the product's many rows are then the positions, read
            // where X̃ lies, and its few columns the channels, where the packed kernel's tiles are full at 32 channels
            // (12 rows a tile wasted a ninth of 32 channels as rows, and X̃ was packed first). The second convolution of
            // the Fashion CNN, 3 samples a block (32 × 144 · 144 × 588): 73.9 → 35.1 µs on the packed kernel; OpenBLAS's
            // kernels took 9 % longer at Sandybridge's, and the first convolution's (16 × 9 · 9 × 4,704) 15 % longer at
            // Haswell's. Each output is the same sum in the same order either way.
            Gemm.Multiply(columns, true, _weight.Value, true, byPosition, accumulate: false);
            ToImages(byPosition, output, start);
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
            var (columns, gradProducts, _) = Block(Math.Min(_blockRows, gradOutput.Rows - start));
            if (!_columnsHeld)
                Im2Col(input, start, columns);
            FromImages(gradOutput, start, gradProducts);
            Gemm.Multiply(gradProducts, false, columns, true, _weight.Grad, accumulate: true);
            if (_bias is not null)
                for (var o = 0; o < _outChannels; o++)
                    _bias.Grad.Data[o] += TensorPrimitives.Sum<T>(gradProducts.Row(o));
            if (gradInput is null)
                continue;
            // X̃'s buffer takes dX̃: the columns are no longer needed.
            Gemm.Multiply(_weight.Value, true, gradProducts, false, columns, accumulate: false);
            _columnsHeld = false;
            Col2Im(columns, start, gradInput);
        }
        return gradInput;
    }

    /// <summary>The buffers of a block of <paramref name="rows"/> samples: X̃, dZ, and dZ's values seen as Zᵀ for the forward.</summary>
    (Matrix<T> Columns, Matrix<T> Products, Matrix<T> ByPosition) Block(int rows) => rows == _blockRows
        ? BlockBuffers(rows, ref _columns, ref _products, ref _byPosition)
        : BlockBuffers(rows, ref _tailColumns, ref _tailProducts, ref _tailByPosition);

    (Matrix<T>, Matrix<T>, Matrix<T>) BlockBuffers(int rows, ref Matrix<T>? columns, ref Matrix<T>? products, ref Matrix<T>? byPosition)
    {
        var positions = rows * _window.Positions;
        var product = Matrix<T>.Reuse(ref products, _outChannels, positions);
        return (Matrix<T>.Reuse(ref columns, _reach, positions), product, Matrix<T>.View(ref byPosition, product, positions, _outChannels));
    }

    /// <summary>X̃ for the block's samples from row <paramref name="start"/>: row (c, i, j) holds, for each sample and output position, the input under that kernel tap, zero in the padding.</summary>
    void Im2Col(Matrix<T> input, int start, Matrix<T> columns) => Taps(input.Data, start, columns, scatter: false);

    /// <summary>dX += dX̃ put back: each tap's gradient added onto the image positions it came from.</summary>
    void Col2Im(Matrix<T> columns, int start, Matrix<T> gradInput) => Taps(gradInput.Data, start, columns, scatter: true);

    /// <summary>
    /// Walks every kernel tap of every output row of the block: copies the image into X̃, or (scatter)
    /// adds X̃ back onto it. Along a row, the output columns whose tap falls inside the image are one
    /// run (<see cref="Window.InsideRun"/>), so the copy is a span copy at stride 1 and zeros pad the rest.
    /// </summary>
    void Taps(T[] image, int start, Matrix<T> columns, bool scatter)
    {
        var w = _window;
        var samples = columns.Cols / w.Positions;
        if (IsShifted(w))
        {
            Shifted(image, start, columns, samples, scatter);
            return;
        }
        for (var c = 0; c < w.Channels; c++)
            for (var i = 0; i < w.KernelHeight; i++)
                for (var j = 0; j < w.KernelWidth; j++)
                {
                    var tap = columns.Row((c * w.KernelHeight + i) * w.KernelWidth + j);
                    var (first, count) = w.InsideRun(j);
                    for (var s = 0; s < samples; s++)
                    {
                        var plane = (start + s) * w.InputSize + c * w.Height * w.Width;
                        for (var oh = 0; oh < w.OutHeight; oh++)
                        {
                            var line = tap.Slice((s * w.OutHeight + oh) * w.OutWidth, w.OutWidth);
                            var h = w.Row(oh, i);
                            // A tap that falls in the padding on this row, or (dilated past the image) in every column of it.
                            if ((uint)h >= (uint)w.Height || count == 0)
                            {
                                if (!scatter)
                                    line.Clear();
                                continue;
                            }
                            var from = plane + h * w.Width + w.Column(first, j);
                            var run = line.Slice(first, count);
                            if (w.StrideWidth == 1)
                            {
                                var pixels = image.AsSpan(from, count);
                                if (scatter)
                                    TensorPrimitives.Add(pixels, run, pixels);
                                else
                                    pixels.CopyTo(run);
                            }
                            else
                                for (var k = 0; k < count; k++)
                                {
                                    ref var pixel = ref image[from + k * w.StrideWidth];
                                    if (scatter)
                                        pixel += run[k];
                                    else
                                        run[k] = pixel;
                                }
                            if (scatter)
                                continue;
                            line[..first].Clear();
                            line[(first + count)..].Clear();
                        }
                    }
                }
    }

    /// <summary>
    /// <see cref="Taps"/> for a window of stride 1 whose output is as wide as its input ('same' padding: a 3×3
    /// kernel with padding 1): output position p then meets input position p + shift for one shift per tap, so
    /// each tap of each sample is one contiguous copy (or add) of the whole plane, and the positions whose tap falls
    /// in the padding — rows above and below, columns at the sides, which the shifted copy filled with a
    /// neighbouring row's pixels — are zeroed by one AND with the tap's mask: after the copy, or before the add so
    /// that they add nothing. Each pixel takes the same values in the same order as row by row, so the results are
    /// bit for bit the same, without a short copy per output row: 14 values in the Fashion CNN's second
    /// convolution, whose forward this took from 2.01 to 1.54 ms and backward from 2.82 to 2.51 ms at batch 64 on one
    /// thread (fastest of 300 steps). The AND, rather than a loop writing zeros at each row's ends, took the
    /// CNN's engine step from 10.2 to 9.8 ms (median of 15 rounds of 50 steps); unlike multiplying by a 0/1 mask, it
    /// zeroes a NaN or an infinity too.
    /// </summary>
    void Shifted(T[] image, int start, Matrix<T> columns, int samples, bool scatter)
    {
        var w = _window;
        var (positions, planeSize) = (w.Positions, w.Height * w.Width);
        for (var c = 0; c < w.Channels; c++)
            for (var i = 0; i < w.KernelHeight; i++)
                for (var j = 0; j < w.KernelWidth; j++)
                {
                    var tap = columns.Row((c * w.KernelHeight + i) * w.KernelWidth + j);
                    var shift = w.Row(0, i) * w.Width + w.Column(0, j);
                    var inside = _insideMasks.AsSpan((i * w.KernelWidth + j) * positions * Unsafe.SizeOf<T>(), positions * Unsafe.SizeOf<T>());
                    // The output positions whose shifted input lies within this channel's plane.
                    var (low, high) = (Math.Max(0, -shift), Math.Min(positions, planeSize - shift));
                    for (var s = 0; s < samples; s++)
                    {
                        var line = tap.Slice(s * positions, positions);
                        var plane = (start + s) * w.InputSize + c * planeSize;
                        if (scatter)
                            KeepInside(line, inside);
                        if (high > low)
                        {
                            var pixels = image.AsSpan(plane + low + shift, high - low);
                            if (scatter)
                                TensorPrimitives.Add(pixels, line[low..high], pixels);
                            else
                                pixels.CopyTo(line[low..high]);
                        }
                        // Every position outside [low, high) is one whose tap falls in the padding: zeroed here too.
                        if (!scatter)
                            KeepInside(line, inside);
                    }
                }
    }

    /// <summary>Zeroes the positions of one sample's tap row whose tap falls in the padding: their bits ANDed with the tap's mask.</summary>
    static void KeepInside(Span<T> line, ReadOnlySpan<byte> inside)
    {
        var bytes = MemoryMarshal.AsBytes(line);
        TensorPrimitives.BitwiseAnd(bytes, inside, bytes);
    }

    /// <summary>Zᵀ [samples·H′·W′, out] into the output's rows [out, H′, W′] from row <paramref name="start"/>, transposed a sample at a time, plus the bias.</summary>
    unsafe void ToImages(Matrix<T> byPosition, Matrix<T> output, int start)
    {
        var positions = _window.Positions;
        for (var s = 0; s < byPosition.Rows / positions; s++)
        {
            var image = output.Row(start + s);
            fixed (T* source = byPosition.Row(s * positions), target = image)
                Transposition.Transpose(source, _outChannels, positions, _outChannels, target, positions);
            if (_bias is not null)
                for (var o = 0; o < _outChannels; o++)
                {
                    var channel = image.Slice(o * positions, positions);
                    TensorPrimitives.Add(channel, _bias.Value.Data[o], channel);
                }
        }
    }

    /// <summary>dY's rows [out, H′, W′] from row <paramref name="start"/> as dZ [out, samples·H′·W′].</summary>
    void FromImages(Matrix<T> gradOutput, int start, Matrix<T> gradProducts)
    {
        var positions = _window.Positions;
        for (var o = 0; o < _outChannels; o++)
        {
            var channel = gradProducts.Row(o);
            for (var s = 0; s < gradProducts.Cols / positions; s++)
                gradOutput.Row(start + s).Slice(o * positions, positions).CopyTo(channel.Slice(s * positions, positions));
        }
    }
}
