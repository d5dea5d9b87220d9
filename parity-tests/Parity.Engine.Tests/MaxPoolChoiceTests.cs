using System.Numerics;
using Parity.Engine.Modules.Images;
using Parity.Engine.Numerics;

namespace Parity.Engine.Tests;

/// <summary>
/// max-pool2d's outputs and gradient against PyTorch's rule written out as a plain loop — scan each
/// window in row-major order from its first position inside the image, a later value wins where it is
/// greater or NaN, the gradient goes to the winner — on values drawn from a handful (ties everywhere,
/// as after a ReLU), with NaN, −∞ and both zeros among them: equal bit for bit. In float32 a 2×2 window
/// at stride 2 takes the tiled path, with widths that leave it a remainder and odd sides it never covers.
/// </summary>
public class MaxPoolChoiceTests
{
    public static TheoryData<string, int[], int[], int[], int[]> Windows() => new()
    {
        // name, input [C, H, W], kernel, stride, padding
        { "2×2 at stride 2 (the Fashion CNN's), four outputs per row", [2, 8, 8], [2, 2], [2, 2], [0, 0] },
        { "2×2 at stride 2, odd sides: six outputs per row and a row and column no window covers", [3, 7, 13], [2, 2], [2, 2], [0, 0] },
        { "2×2 at stride 2, fewer than four outputs per row", [2, 4, 6], [2, 2], [2, 2], [0, 0] },
        { "2×2 at stride 1: overlapping windows", [2, 5, 6], [2, 2], [1, 1], [0, 0] },
        { "3×2 at stride 2×1, padding 1", [2, 5, 4], [3, 2], [2, 1], [1, 1] },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void Float32_outputs_and_gradient_follow_the_rule(string name, int[] input, int[] kernel, int[] stride, int[] padding) =>
        FollowsTheRule<float>(name, input, kernel, stride, padding);

    [Theory]
    [MemberData(nameof(Windows))]
    public void Float64_outputs_and_gradient_follow_the_rule(string name, int[] input, int[] kernel, int[] stride, int[] padding) =>
        FollowsTheRule<double>(name, input, kernel, stride, padding);

    static void FollowsTheRule<T>(string name, int[] input, int[] kernel, int[] stride, int[] padding) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (channels, height, width) = (input[0], input[1], input[2]);
        var outHeight = (height + 2 * padding[0] - kernel[0]) / stride[0] + 1;
        var outWidth = (width + 2 * padding[1] - kernel[1]) / stride[1] + 1;
        var window = new Window(channels, height, width, outHeight, outWidth, kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], 1, 1);
        const int samples = 3;
        var random = new Random(11);
        T[] drawn = [T.Zero, -T.Zero, T.One, T.One + T.One, -T.One, T.NegativeInfinity, T.NaN, T.CreateChecked(0.5)];
        var x = new Matrix<T>(samples, window.InputSize);
        for (var i = 0; i < x.Data.Length; i++)
            // NaN and −∞ one time in sixteen each; the other values as often as each other
            x.Data[i] = random.Next(16) switch { 0 => T.NaN, 1 => T.NegativeInfinity, var k => drawn[k % 5] };
        var g = new Matrix<T>(samples, channels * window.Positions);
        for (var i = 0; i < g.Data.Length; i++)
            g.Data[i] = random.Next(8) == 0 ? -T.Zero : T.CreateChecked(random.Next(-4, 5));

        var pool = new MaxPool2d<T>(window);
        var y = pool.Forward(x).Data.ToArray();
        // The gradient comes back in a buffer kept across steps: what an earlier step's caller left in it must not leak into this one.
        pool.Backward(g).Data.AsSpan().Fill(T.One);
        pool.Forward(x);
        var dx = pool.Backward(g).Data.ToArray();

        var (expectedY, expectedDx) = (new T[y.Length], new T[dx.Length]);
        var o = 0;
        for (var n = 0; n < samples; n++)
            for (var c = 0; c < channels; c++)
            {
                var plane = n * window.InputSize + c * height * width;
                for (var oh = 0; oh < outHeight; oh++)
                    for (var ow = 0; ow < outWidth; ow++, o++)
                    {
                        var (best, at) = (T.NegativeInfinity, -1);
                        for (var i = 0; i < kernel[0]; i++)
                            for (var j = 0; j < kernel[1]; j++)
                            {
                                var (h, w) = (oh * stride[0] - padding[0] + i, ow * stride[1] - padding[1] + j);
                                if ((uint)h >= (uint)height || (uint)w >= (uint)width)
                                    continue;
                                var value = x.Data[plane + h * width + w];
                                if (at < 0 || value > best || T.IsNaN(value))
                                    (best, at) = (value, plane + h * width + w);
                            }
                        expectedY[o] = best;
                        expectedDx[at] += g.Data[o];
                    }
            }
        Assert.True(Bits(expectedY).SequenceEqual(Bits(y)), $"{name}: outputs differ");
        Assert.True(Bits(expectedDx).SequenceEqual(Bits(dx)), $"{name}: gradients differ");
    }

    static IEnumerable<long> Bits<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T> =>
        values.Select(v => typeof(T) == typeof(float) ? BitConverter.SingleToInt32Bits(float.CreateTruncating(v)) : BitConverter.DoubleToInt64Bits(double.CreateTruncating(v)));
}
