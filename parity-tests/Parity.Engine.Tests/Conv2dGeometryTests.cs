using Parity.Engine.Modules.Images;
using Parity.Engine.Numerics;

namespace Parity.Engine.Tests;

/// <summary>
/// conv2d's forward, input gradient and weight gradient against a direct loop over the definition, on
/// whole-number inputs and weights small enough that every sum is exact in float64: equal bit for bit,
/// whatever the order of the sums. Both ways of laying out the columns are tried — the window of stride 1
/// as wide as its input, each tap one shifted copy of the plane, and the general one, a run per output row —
/// and a batch that runs in several blocks of samples, the last one shorter.
/// </summary>
public class Conv2dGeometryTests
{
    public static TheoryData<string, int[], int[], int[], int[], int> Geometries() => new()
    {
        // name, input [C, H, W], kernel, padding, dilation (stride 1 unless the name says otherwise), samples
        { "3×3, padding 1 (the Fashion CNN's)", [2, 5, 4], [3, 3], [1, 1], [1, 1], 4 },
        { "3×5, padding 1×2", [1, 4, 6], [3, 5], [1, 2], [1, 1], 4 },
        { "3×3 dilated 2, padding 2", [2, 6, 5], [3, 3], [2, 2], [2, 2], 4 },
        { "2×3, padding 0×1: one row shorter, as wide", [3, 5, 4], [2, 3], [0, 1], [1, 1], 4 },
        { "1×1", [3, 3, 3], [1, 1], [0, 0], [1, 1], 4 },
        { "3×2, no padding: narrower, by rows", [2, 5, 4], [3, 2], [0, 0], [1, 1], 4 },
        { "stride 2, padding 1: by rows", [2, 6, 6], [3, 3], [1, 1], [1, 1], 4 },
        // 784 positions × (9 taps + 3 channels) × 8 bytes a sample: blocks of 6 samples in half a MiB, then 1.
        { "3×3, padding 1 over 28×28, 13 samples: blocks of samples", [1, 28, 28], [3, 3], [1, 1], [1, 1], 13 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Forward_and_both_gradients_are_the_definitions_sums(string name, int[] input, int[] kernel, int[] padding, int[] dilation, int samples)
    {
        var stride = name.Contains("stride 2") ? 2 : 1;
        var (channels, height, width) = (input[0], input[1], input[2]);
        var outHeight = (height + 2 * padding[0] - dilation[0] * (kernel[0] - 1) - 1) / stride + 1;
        var outWidth = (width + 2 * padding[1] - dilation[1] * (kernel[1] - 1) - 1) / stride + 1;
        var window = new Window(channels, height, width, outHeight, outWidth, kernel[0], kernel[1], stride, stride, padding[0], padding[1], dilation[0], dilation[1]);
        const int outChannels = 3;
        var conv = new Conv2d<double>("0.", window, outChannels, bias: true);
        var random = new Random(7);
        double Whole() => random.Next(-4, 5);
        var (weight, bias) = (conv.Parameters[0].Value, conv.Parameters[1].Value);
        for (var i = 0; i < weight.Data.Length; i++)
            weight.Data[i] = Whole();
        for (var i = 0; i < bias.Data.Length; i++)
            bias.Data[i] = Whole();
        var x = new Matrix<double>(samples, window.InputSize);
        for (var i = 0; i < x.Data.Length; i++)
            x.Data[i] = Whole();
        var g = new Matrix<double>(samples, outChannels * window.Positions);
        for (var i = 0; i < g.Data.Length; i++)
            g.Data[i] = Whole();

        var y = conv.Forward(x).Data.ToArray();
        var dx = conv.Backward(g).Data.ToArray();
        var dw = conv.Parameters[0].Grad.Data.ToArray();

        var (expectedY, expectedDx, expectedDw) = (new double[y.Length], new double[dx.Length], new double[dw.Length]);
        for (var n = 0; n < samples; n++)
            for (var o = 0; o < outChannels; o++)
                for (var oh = 0; oh < outHeight; oh++)
                    for (var ow = 0; ow < outWidth; ow++)
                    {
                        var at = n * outChannels * window.Positions + (o * outHeight + oh) * outWidth + ow;
                        expectedY[at] = bias.Data[o];
                        for (var c = 0; c < channels; c++)
                            for (var i = 0; i < kernel[0]; i++)
                                for (var j = 0; j < kernel[1]; j++)
                                {
                                    var (h, w) = (oh * stride - padding[0] + i * dilation[0], ow * stride - padding[1] + j * dilation[1]);
                                    if ((uint)h >= (uint)height || (uint)w >= (uint)width)
                                        continue;
                                    var (pixel, tap) = (n * window.InputSize + (c * height + h) * width + w, ((o * channels + c) * kernel[0] + i) * kernel[1] + j);
                                    expectedY[at] += weight.Data[tap] * x.Data[pixel];
                                    expectedDx[pixel] += weight.Data[tap] * g.Data[at];
                                    expectedDw[tap] += x.Data[pixel] * g.Data[at];
                                }
                    }
        Assert.Equal(expectedY, y);
        Assert.Equal(expectedDx, dx);
        Assert.Equal(expectedDw, dw);
    }
}
