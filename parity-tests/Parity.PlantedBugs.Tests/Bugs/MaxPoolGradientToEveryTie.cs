using Parity.Engine;
using Parity.Engine.Modules;
using Parity.Engine.Modules.Images;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Max-pool's backward as "the gradient goes where the input equals the maximum": each window's
/// gradient reaches every position tied with its maximum (the zeros after a ReLU, a blank background),
/// where PyTorch sends it to the first maximum only.
/// </summary>
sealed class MaxPoolGradientToEveryTie(LayerDescription layer) : Module<double>
{
    readonly Module<double> _pool = EngineParts<double>.Standard.Layers["max-pool2d"](layer);
    readonly Window _window = Window.Of(layer);
    Matrix<double>? _input, _output, _gradInput;

    public static Module<double> Create(LayerDescription layer) => new MaxPoolGradientToEveryTie(layer);

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
        var o = 0;
        for (var n = 0; n < gradOutput.Rows; n++)
            for (var c = 0; c < w.Channels; c++)
            {
                var plane = n * w.InputSize + c * w.Height * w.Width;
                for (var p = 0; p < w.Positions; p++, o++)
                    foreach (var offset in offsets.AsSpan(p * w.Taps, w.Taps))
                        if (offset >= 0 && x[plane + offset] == y[o])
                            dx.Data[plane + offset] += g[o];
            }
        return dx;
    }
}
