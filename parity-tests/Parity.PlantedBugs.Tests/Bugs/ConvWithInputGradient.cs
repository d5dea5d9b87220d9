using Parity.Engine;
using Parity.Engine.Modules;
using Parity.Engine.Modules.Images;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// The engine's Conv2d with its input gradient recomputed directly — dx[n, c, h, w] += Σ dy[n, o, oh, ow]·W[o, c, i, j]
/// at h = oh·stride − padding + i·dilation (and the same across) — on a window the planted bug
/// mis-remembers in backward; forward and the parameter gradients stay the engine's.
/// </summary>
sealed class ConvWithInputGradient(LayerDescription layer, Func<Window, Window> misremembered) : Module<double>
{
    readonly Module<double> _conv = EngineParts<double>.Standard.Layers["conv2d"](layer);
    readonly Window _window = misremembered(Window.Of(layer));
    readonly int _outChannels = layer.Integer("out_channels");
    Matrix<double>? _gradInput;

    public override IReadOnlyList<Parameter<double>> Parameters => _conv.Parameters;

    public override Matrix<double> Forward(Matrix<double> input) => _conv.Forward(input);

    public override Matrix<double> Backward(Matrix<double> gradOutput)
    {
        _conv.BackwardToParameters(gradOutput);
        var w = _window;
        var (weight, g) = (_conv.Parameters[0].Value.Data, gradOutput.Data);
        var dx = Matrix<double>.Reuse(ref _gradInput, gradOutput.Rows, w.InputSize);
        Array.Clear(dx.Data);
        // The output's positions are the forward's: only the way back to the input is mis-remembered.
        var positions = gradOutput.Cols / _outChannels;
        var outWidth = Window.Of(layer).OutWidth;
        for (var n = 0; n < gradOutput.Rows; n++)
            for (var o = 0; o < _outChannels; o++)
                for (var p = 0; p < positions; p++)
                {
                    var (oh, ow) = (p / outWidth, p % outWidth);
                    var gradient = g[(n * _outChannels + o) * positions + p];
                    for (var c = 0; c < w.Channels; c++)
                        for (var i = 0; i < w.KernelHeight; i++)
                            for (var j = 0; j < w.KernelWidth; j++)
                            {
                                var (h, col) = (w.Row(oh, i), w.Column(ow, j));
                                if (h >= 0 && h < w.Height && col >= 0 && col < w.Width)
                                    dx.Data[n * w.InputSize + (c * w.Height + h) * w.Width + col] += gradient * weight[((o * w.Channels + c) * w.KernelHeight + i) * w.KernelWidth + j];
                            }
                }
        return dx;
    }
}
