using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Images;

/// <summary>
/// F.max_pool2d: each output is its window's maximum over the input positions inside the image
/// (padding never wins). Backward sends each output's gradient to the one position PyTorch picks: the
/// first maximum in row-major order within the window (a NaN counts as a maximum, as in PyTorch's kernel).
/// </summary>
[LayerKind("max-pool2d")]
public sealed class MaxPool2d<T>(Window window) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly (int[] Offsets, int[] Counts) _inside = window.Inside();
    Matrix<T>? _output, _gradInput;
    // For each output, the index within its sample's image of the input it took.
    int[] _argmax = [];

    public static Module<T> From(LayerDescription layer) => new MaxPool2d<T>(Window.Of(layer));

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var w = window;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, w.Channels * w.Positions);
        if (_argmax.Length != output.Data.Length)
            _argmax = new int[output.Data.Length];
        var (x, y) = (input.Data, output.Data);
        var (offsets, counts) = _inside;
        var o = 0;
        for (var n = 0; n < input.Rows; n++)
            for (var c = 0; c < w.Channels; c++)
            {
                var channel = c * w.Height * w.Width;
                var plane = n * w.InputSize + channel;
                for (var p = 0; p < w.Positions; p++, o++)
                {
                    var inside = offsets.AsSpan(p * w.Taps, counts[p]);
                    var (best, at) = (x[plane + inside[0]], inside[0]);
                    for (var k = 1; k < inside.Length; k++)
                    {
                        var value = x[plane + inside[k]];
                        // strictly greater: a tie keeps the first maximum
                        if (value > best || T.IsNaN(value))
                            (best, at) = (value, inside[k]);
                    }
                    y[o] = best;
                    _argmax[o] = channel + at;
                }
            }
        return output;
    }

    // dx[argmax] += g for each output; every other input gets nothing
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var gradInput = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, window.InputSize);
        Array.Clear(gradInput.Data);
        var (g, dx) = (gradOutput.Data, gradInput.Data);
        var perSample = window.Channels * window.Positions;
        for (var n = 0; n < gradOutput.Rows; n++)
        {
            var (from, to) = (n * perSample, n * window.InputSize);
            for (var o = 0; o < perSample; o++)
                dx[to + _argmax[from + o]] += g[from + o];
        }
        return gradInput;
    }
}
