using Parity.Engine;
using Parity.Engine.Modules;
using Parity.Engine.Modules.Images;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Where one window's gradient goes: given the window's output position p, its input values at each kernel tap
/// (NaN in the padding) and its maximum, the taps it is added at, each as (output position, tap) — the window's
/// own p, or another's for a bug that mixes windows up.
/// </summary>
delegate IEnumerable<(int Position, int Tap)> MaxPoolRoute(int position, double[] taps, double max);

/// <summary>
/// Max-pool whose forward is the engine's own and whose backward routes each window's gradient by a rule: each
/// planted routing mistake is one rule.
/// </summary>
sealed class MaxPoolRouted(LayerDescription layer, MaxPoolRoute route) : Module<double>
{
    readonly Module<double> _pool = EngineParts<double>.Standard.Layers["max-pool2d"](layer);
    readonly Window _window = Window.Of(layer);
    Matrix<double>? _input, _output, _gradInput;

    public override Matrix<double> Forward(Matrix<double> input)
    {
        _input = input;
        return _output = _pool.Forward(input);
    }

    public override Matrix<double> Backward(Matrix<double> gradOutput)
    {
        var w = _window;
        var dx = Matrix<double>.Reuse(ref _gradInput, gradOutput.Rows, w.InputSize);
        Array.Clear(dx.Data);
        var (x, y, g) = (_input!.Data, _output!.Data, gradOutput.Data);
        var offsets = w.TapOffsets();
        var taps = new double[w.Taps];
        var o = 0;
        for (var n = 0; n < gradOutput.Rows; n++)
            for (var c = 0; c < w.Channels; c++)
            {
                var plane = n * w.InputSize + c * w.Height * w.Width;
                for (var p = 0; p < w.Positions; p++, o++)
                {
                    for (var k = 0; k < w.Taps; k++)
                        taps[k] = offsets[p * w.Taps + k] is var offset and >= 0 ? x[plane + offset] : double.NaN;
                    foreach (var (position, tap) in route(p, taps, y[o]))
                        dx.Data[plane + offsets[position * w.Taps + tap]] += g[o];
                }
            }
        return dx;
    }
}
