using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Images;

/// <summary>
/// F.max_pool2d: each output is its window's maximum over the input positions inside the image
/// (padding never wins). Backward sends each output's gradient to the one position PyTorch picks:
/// as its CPU kernel scans the window in row-major order from the first position inside, the first
/// maximum (a tie keeps it), or the last NaN (a NaN replaces anything, another NaN too).
/// </summary>
/// <remarks>
/// A scalar scan with an early winner mispredicts a branch per output on real data and ran ten times
/// slower than the arithmetic, so each image is scanned tap by tap instead: tap k's value at every
/// output position is gathered into a row, and one vector pass per tap keeps the running maximum and
/// the tap that holds it, with selects rather than branches.
/// </remarks>
[LayerKind("max-pool2d")]
public sealed class MaxPool2d<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly Window _window;
    // Tap k of output position p: its offset in the channel's plane, or −1 in the padding.
    readonly int[] _offsets;
    // Per position, the first tap inside the image (as T, for the vector pass): PyTorch's starting index.
    readonly T[] _firstInside;
    // Tap-major values of one image channel: row k holds tap k at every output position.
    readonly Matrix<T> _taps;
    Matrix<T>? _output, _gradInput;
    // For each output, the tap (as T) whose input it took.
    T[] _chosen = [];

    public MaxPool2d(Window window)
    {
        _window = window;
        _offsets = window.TapOffsets();
        _firstInside = [.. Enumerable.Range(0, window.Positions)
            .Select(p => T.CreateTruncating(Array.FindIndex(_offsets, p * window.Taps, window.Taps, offset => offset >= 0) - p * window.Taps))];
        _taps = new Matrix<T>(window.Taps, window.Positions);
    }

    public static Module<T> From(LayerDescription layer) => new MaxPool2d<T>(Window.Of(layer));

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var w = _window;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, w.Channels * w.Positions);
        if (_chosen.Length != output.Data.Length)
            _chosen = new T[output.Data.Length];
        for (var n = 0; n < input.Rows; n++)
            for (var c = 0; c < w.Channels; c++)
            {
                var plane = input.Data.AsSpan(n * w.InputSize + c * w.Height * w.Width, w.Height * w.Width);
                var at = (n * w.Channels + c) * w.Positions;
                Gather(plane);
                Scan(output.Data.AsSpan(at, w.Positions), _chosen.AsSpan(at, w.Positions));
            }
        return output;
    }

    // dx[chosen input] += g for each output; every other input gets nothing
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var w = _window;
        var gradInput = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, w.InputSize);
        Array.Clear(gradInput.Data);
        var (g, dx) = (gradOutput.Data, gradInput.Data);
        var o = 0;
        for (var n = 0; n < gradOutput.Rows; n++)
            for (var c = 0; c < w.Channels; c++)
            {
                var plane = n * w.InputSize + c * w.Height * w.Width;
                for (var p = 0; p < w.Positions; p++, o++)
                    dx[plane + _offsets[p * w.Taps + int.CreateTruncating(_chosen[o])]] += g[o];
            }
        return gradInput;
    }

    /// <summary>
    /// Row k of the tap matrix: tap k's input at each output position, −∞ in the padding (never greater, never NaN).
    /// Along an output row, the positions whose tap falls inside the image are one run (<see cref="Window.InsideRun"/>),
    /// copied at the window's stride with no test per value: a test and a table lookup per value took 0.39 of
    /// the first pool's 0.54 ms forward in the Fashion CNN at batch 64.
    /// </summary>
    void Gather(ReadOnlySpan<T> plane)
    {
        var w = _window;
        ref var image = ref MemoryMarshal.GetReference(plane);
        for (var i = 0; i < w.KernelHeight; i++)
            for (var j = 0; j < w.KernelWidth; j++)
            {
                var row = _taps.Row(i * w.KernelWidth + j);
                ref var tap = ref MemoryMarshal.GetReference(row);
                var (first, count, stride) = (w.InsideRun(j).First, w.InsideRun(j).Count, w.StrideWidth);
                for (var oh = 0; oh < w.OutHeight; oh++)
                {
                    var at = oh * w.OutWidth;
                    var h = w.Row(oh, i);
                    if ((uint)h >= (uint)w.Height || count == 0)
                    {
                        row.Slice(at, w.OutWidth).Fill(T.NegativeInfinity);
                        continue;
                    }
                    for (var k = 0; k < first; k++)
                        Unsafe.Add(ref tap, at + k) = T.NegativeInfinity;
                    for (var k = first + count; k < w.OutWidth; k++)
                        Unsafe.Add(ref tap, at + k) = T.NegativeInfinity;
                    ref var from = ref Unsafe.Add(ref image, h * w.Width + w.Column(first, j));
                    ref var to = ref Unsafe.Add(ref tap, at + first);
                    for (var k = 0; k < count; k++)
                        Unsafe.Add(ref to, k) = Unsafe.Add(ref from, k * stride);
                }
            }
    }

    /// <summary>The running maximum over the taps in row-major order, and the tap it came from: a tap wins where it is greater or NaN.</summary>
    void Scan(Span<T> best, Span<T> chosen)
    {
        best.Fill(T.NegativeInfinity);
        _firstInside.CopyTo(chosen);
        var vectors = Vector.IsHardwareAccelerated ? best.Length - best.Length % Vector<T>.Count : 0;
        var bestVectors = MemoryMarshal.Cast<T, Vector<T>>(best[..vectors]);
        var chosenVectors = MemoryMarshal.Cast<T, Vector<T>>(chosen[..vectors]);
        for (var k = 0; k < _window.Taps; k++)
        {
            var row = _taps.Row(k);
            var rowVectors = MemoryMarshal.Cast<T, Vector<T>>(row[..vectors]);
            var tap = T.CreateTruncating(k);
            for (var v = 0; v < rowVectors.Length; v++)
            {
                var value = rowVectors[v];
                var wins = Vector.GreaterThan(value, bestVectors[v]) | ~Vector.Equals(value, value);
                bestVectors[v] = Vector.ConditionalSelect(wins, value, bestVectors[v]);
                chosenVectors[v] = Vector.ConditionalSelect(wins, new Vector<T>(tap), chosenVectors[v]);
            }
            for (var p = vectors; p < row.Length; p++)
                if (row[p] > best[p] || T.IsNaN(row[p]))
                    (best[p], chosen[p]) = (row[p], tap);
        }
    }
}
