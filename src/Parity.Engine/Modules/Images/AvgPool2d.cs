using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Images;

/// <summary>
/// F.avg_pool2d with count_include_pad (PyTorch's default): each output is the sum of its window's
/// inputs inside the image divided by the window's size counting the padding it covers —
/// (min(h₀ + kh, H + padding) − h₀)·(the same across), kh·kw whenever ceil_mode is off. Backward
/// gives each input of the window g divided by that same count.
/// </summary>
[LayerKind("avg-pool2d")]
public sealed class AvgPool2d<T>(Window window) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Tap k of output position p: its offset in the channel's plane, or −1 in the padding.
    readonly int[] _offsets = window.TapOffsets();
    Matrix<T>? _output, _gradInput;

    public static Module<T> From(LayerDescription layer)
    {
        if (!layer.Flag("count_include_pad", true))
            throw new ArgumentException($"layer {layer.Index}: the built-in engine's avg-pool2d counts the padding in the divisor (count_include_pad true) only");
        return new AvgPool2d<T>(Window.Of(layer));
    }

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var output = Matrix<T>.Reuse(ref _output, input.Rows, window.Channels * window.Positions);
        Slide(input.Rows, input.Data, output.Data, backward: false);
        return output;
    }

    // dx[window] += g / divisor
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var gradInput = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, window.InputSize);
        Array.Clear(gradInput.Data);
        Slide(gradOutput.Rows, gradInput.Data, gradOutput.Data, backward: true);
        return gradInput;
    }

    /// <summary>Forward: each output the sum of its window over the divisor. Backward: each output's gradient over the divisor added to its window.</summary>
    void Slide(int rows, T[] inputs, T[] outputs, bool backward)
    {
        var w = window;
        var o = 0;
        for (var n = 0; n < rows; n++)
            for (var c = 0; c < w.Channels; c++)
            {
                var plane = n * w.InputSize + c * w.Height * w.Width;
                for (var p = 0; p < w.Positions; p++, o++)
                {
                    var window = _offsets.AsSpan(p * w.Taps, w.Taps);
                    var divisor = Divisor(p / w.OutWidth, p % w.OutWidth);
                    if (backward)
                    {
                        var share = outputs[o] / divisor;
                        foreach (var offset in window)
                            if (offset >= 0)
                                inputs[plane + offset] += share;
                        continue;
                    }
                    var sum = T.Zero;
                    foreach (var offset in window)
                        if (offset >= 0)
                            sum += inputs[plane + offset];
                    outputs[o] = sum / divisor;
                }
            }
    }

    /// <summary>The window's size with the padding it covers, clipped where it would pass the padding (PyTorch's pool_size).</summary>
    T Divisor(int oh, int ow)
    {
        var w = window;
        var (top, left) = (w.Row(oh, 0), w.Column(ow, 0));
        var rows = Math.Min(top + w.KernelHeight, w.Height + w.PaddingHeight) - top;
        var cols = Math.Min(left + w.KernelWidth, w.Width + w.PaddingWidth) - left;
        return T.CreateTruncating(rows * cols);
    }
}
