using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
/// the tap that holds it, with selects rather than branches. The CNN's usual window, 2×2 at stride 2
/// with no padding in float32, skips the tap rows (<see cref="Tiled{TWindows}"/>): they took 16 % of the
/// Fashion CNN's engine step.
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
    // Whether windows are 2×2 at stride 2, with no padding or dilation, over float32: every input in at most one window, every tap inside.
    readonly bool _tiled;

    public MaxPool2d(Window window)
    {
        _window = window;
        _offsets = window.TapOffsets();
        _firstInside = [.. Enumerable.Range(0, window.Positions)
            .Select(p => T.CreateTruncating(Array.FindIndex(_offsets, p * window.Taps, window.Taps, offset => offset >= 0) - p * window.Taps))];
        _taps = new Matrix<T>(window.Taps, window.Positions);
        _tiled = typeof(T) == typeof(float) && window is { KernelHeight: 2, KernelWidth: 2, StrideHeight: 2, StrideWidth: 2, PaddingHeight: 0, PaddingWidth: 0, DilationHeight: 1, DilationWidth: 1 };
    }

    public static Module<T> From(LayerDescription layer) => new MaxPool2d<T>(Window.Of(layer));

    public override Matrix<T> Forward(Matrix<T> input)
    {
        var w = _window;
        var output = Matrix<T>.Reuse(ref _output, input.Rows, w.Channels * w.Positions);
        if (_chosen.Length != output.Data.Length)
            _chosen = new T[output.Data.Length];
        if (_tiled)
        {
            Tiled<TiledMaximum>(Floats(input.Data), Floats(output.Data), Floats(_chosen), input.Rows * w.Channels);
            return output;
        }
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
        // Tiled windows write every input they cover: only an odd last row or column is left to clear.
        if (!_tiled || w.Height % 2 != 0 || w.Width % 2 != 0)
            Array.Clear(gradInput.Data);
        if (_tiled)
        {
            Tiled<TiledGradient>(Floats(gradInput.Data), Floats(gradOutput.Data), Floats(_chosen), gradOutput.Rows * w.Channels);
            return gradInput;
        }
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

    static Span<float> Floats(T[] values) => MemoryMarshal.Cast<T, float>(values.AsSpan());

    /// <summary>
    /// The work of one window of a 2×2, stride-2 pool: its image rows from the window's first column, and
    /// its output (forward: the maximum; backward: the gradient) and chosen tap, four windows of a row at
    /// a time or one alone.
    /// </summary>
    interface ITiledWindows
    {
        static abstract void Four(ref float top, ref float bottom, ref float value, ref float tap);

        static abstract void One(ref float top, ref float bottom, ref float value, ref float tap);
    }

    /// <summary>
    /// Walks every window of a 2×2, stride-2 pool over <paramref name="planes"/> image planes: four at a
    /// time along each output row, and a row's last four again where its width is no multiple of four
    /// (the same values rewritten), so that no window is left to a branchy scalar loop; rows of fewer
    /// than four windows take them one by one.
    /// </summary>
    void Tiled<TWindows>(Span<float> image, Span<float> values, Span<float> chosen, int planes) where TWindows : struct, ITiledWindows
    {
        var w = _window;
        var (plane, positions) = (w.Height * w.Width, w.Positions);
        for (var q = 0; q < planes; q++)
        {
            // One bounds check per plane; every read and write below stays inside these.
            ref var pixels = ref MemoryMarshal.GetReference(image.Slice(q * plane, plane));
            ref var value = ref MemoryMarshal.GetReference(values.Slice(q * positions, positions));
            ref var tap = ref MemoryMarshal.GetReference(chosen.Slice(q * positions, positions));
            for (var oh = 0; oh < w.OutHeight; oh++)
            {
                ref var top = ref Unsafe.Add(ref pixels, 2 * oh * w.Width);
                ref var bottom = ref Unsafe.Add(ref top, w.Width);
                var at = oh * w.OutWidth;
                if (w.OutWidth < 4)
                    for (var ow = 0; ow < w.OutWidth; ow++)
                        TWindows.One(ref Unsafe.Add(ref top, 2 * ow), ref Unsafe.Add(ref bottom, 2 * ow), ref Unsafe.Add(ref value, at + ow), ref Unsafe.Add(ref tap, at + ow));
                else
                    for (var next = 0; next < w.OutWidth; next += 4)
                    {
                        var ow = Math.Min(next, w.OutWidth - 4);
                        TWindows.Four(ref Unsafe.Add(ref top, 2 * ow), ref Unsafe.Add(ref bottom, 2 * ow), ref Unsafe.Add(ref value, at + ow), ref Unsafe.Add(ref tap, at + ow));
                    }
            }
        }
    }

    /// <summary>
    /// Forward: eight floats of a row read as four pairs of 64 bits, whose low halves (narrowed) are the
    /// windows' left column and whose high halves are the right — the tap rows without copying them. The
    /// taps are then taken in the same row-major order, with the same rule, as <see cref="Scan"/>: the
    /// same outputs and choices, bit for bit.
    /// </summary>
    struct TiledMaximum : ITiledWindows
    {
        public static void Four(ref float top, ref float bottom, ref float value, ref float tap)
        {
            var (topLeft, topRight) = Columns(ref top);
            var (bottomLeft, bottomRight) = Columns(ref bottom);
            var (best, taken) = (topLeft, Vector128<float>.Zero);
            Take(topRight, 1f, ref best, ref taken);
            Take(bottomLeft, 2f, ref best, ref taken);
            Take(bottomRight, 3f, ref best, ref taken);
            best.StoreUnsafe(ref value);
            taken.StoreUnsafe(ref tap);
        }

        public static void One(ref float top, ref float bottom, ref float value, ref float tap)
        {
            var (best, taken) = (top, 0f);
            ReadOnlySpan<float> later = [Unsafe.Add(ref top, 1), bottom, Unsafe.Add(ref bottom, 1)];
            for (var k = 0; k < later.Length; k++)
                if (later[k] > best || float.IsNaN(later[k]))
                    (best, taken) = (later[k], k + 1);
            (value, tap) = (best, taken);
        }
    }

    /// <summary>
    /// Backward: each window's four inputs get 0 + g where the window chose them and +0 elsewhere, as the
    /// scatter onto a cleared gradient gives them (0 + −0 is +0), written as pairs of 64 bits.
    /// </summary>
    struct TiledGradient : ITiledWindows
    {
        public static void Four(ref float top, ref float bottom, ref float value, ref float tap)
        {
            var (g, taken) = (Vector128.LoadUnsafe(ref value), Vector128.LoadUnsafe(ref tap));
            Interleave(To(0f, taken, g), To(1f, taken, g), ref top);
            Interleave(To(2f, taken, g), To(3f, taken, g), ref bottom);
        }

        public static void One(ref float top, ref float bottom, ref float value, ref float tap)
        {
            top = 0f + (tap == 0f ? value : 0f);
            Unsafe.Add(ref top, 1) = 0f + (tap == 1f ? value : 0f);
            bottom = 0f + (tap == 2f ? value : 0f);
            Unsafe.Add(ref bottom, 1) = 0f + (tap == 3f ? value : 0f);
        }
    }

    /// <summary>Columns 0, 2, 4, 6 and 1, 3, 5, 7 from <paramref name="from"/> on.</summary>
    static (Vector128<float> Even, Vector128<float> Odd) Columns(ref float from)
    {
        ref var pairs = ref Unsafe.As<float, ulong>(ref from);
        var (low, high) = (Vector128.LoadUnsafe(ref pairs), Vector128.LoadUnsafe(ref pairs, 2));
        return (Vector128.Narrow(low, high).AsSingle(),
            Vector128.Narrow(Vector128.ShiftRightLogical(low, 32), Vector128.ShiftRightLogical(high, 32)).AsSingle());
    }

    /// <summary>A later tap wins where it is greater or NaN.</summary>
    static void Take(Vector128<float> value, float k, ref Vector128<float> best, ref Vector128<float> tap)
    {
        var wins = Vector128.GreaterThan(value, best) | ~Vector128.Equals(value, value);
        best = Vector128.ConditionalSelect(wins, value, best);
        tap = Vector128.ConditionalSelect(wins, Vector128.Create(k), tap);
    }

    static Vector128<float> To(float k, Vector128<float> tap, Vector128<float> g) =>
        Vector128<float>.Zero + (Vector128.Equals(tap, Vector128.Create(k)) & g);

    /// <summary>Writes even[0], odd[0], even[1], odd[1], … to eight columns from <paramref name="to"/> on.</summary>
    static void Interleave(Vector128<float> even, Vector128<float> odd, ref float to)
    {
        var (e, o) = (even.AsUInt32(), odd.AsUInt32());
        ref var pairs = ref Unsafe.As<float, ulong>(ref to);
        (Vector128.WidenLower(e) | Vector128.ShiftLeft(Vector128.WidenLower(o), 32)).StoreUnsafe(ref pairs);
        (Vector128.WidenUpper(e) | Vector128.ShiftLeft(Vector128.WidenUpper(o), 32)).StoreUnsafe(ref pairs, 2);
    }
}
