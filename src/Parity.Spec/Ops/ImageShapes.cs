using static Parity.Spec.LayerShapes;

namespace Parity.Spec;

/// <summary>
/// The shape rules of the ops that slide a window over an image [C, H, W] (conv2d, the pools), and
/// what they cost: PyTorch's output size ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1
/// per dimension (ceil_mode off), and its refusals, as messages that say what to change.
/// </summary>
static class ImageShapes
{
    /// <summary>The output [channels, H′, W′] of a window of the settings' kernel_size, stride, padding (and dilation, if the op has it) over <paramref name="input"/>.</summary>
    public static int[] Slide(string keyword, OpSettings settings, int[] input, int channels, bool pool)
    {
        if (input is not [_, var height, var width])
            throw new ShapeException($"{keyword} takes images [C, H, W], but its input is {Text(input)}; add '- unflatten: [C, H, W]' before it, e.g. [1, 28, 28] for 784 features");
        var (kernel, stride, padding) = (settings.Integers("kernel_size"), settings.Integers("stride"), settings.Integers("padding"));
        var dilation = pool ? [1, 1] : settings.Integers("dilation");
        var sizes = new[] { height, width };
        var output = new int[2];
        string[] names = ["height", "width"];
        for (var d = 0; d < 2; d++)
        {
            // PyTorch's pools refuse padding beyond half the kernel: a window would hold only padding.
            if (pool && padding[d] * 2 > kernel[d])
                throw new ShapeException($"padding {padding[d]} is more than half the kernel's {names[d]} {kernel[d]}, which PyTorch refuses; use padding <= {kernel[d] / 2}");
            var span = dilation[d] * (kernel[d] - 1) + 1;
            if (sizes[d] + 2 * padding[d] < span)
                throw new ShapeException($"the kernel spans {span} along the {names[d]} but the input {Text(input)} has {sizes[d]}{(padding[d] > 0 ? $" (+{padding[d]} padding each side)" : "")}; use a smaller kernel{(pool ? "" : " or dilation")}, or more padding");
            output[d] = (sizes[d] + 2 * padding[d] - span) / stride[d] + 1;
        }
        return [channels, output[0], output[1]];
    }

    /// <summary>
    /// max-pool2d's sides of its kinks: which position of its window each window takes as its maximum, one flag per
    /// window and position (<see cref="WindowPositions"/> per sample); a probe that moves a window's choice crosses a
    /// kink. Per window, not per value taken: windows that overlap can trade tied
    /// positions (a background of equal values) and leave the set of values taken as it was.
    /// </summary>
    public static void WindowChoices(OpSettings settings, int[] input, double[] values, bool[] chosen)
    {
        var kernel = settings.Integers("kernel_size");
        Array.Clear(chosen);
        foreach (var (window, offset, _) in FirstMaxima(settings, input, values))
            chosen[window * kernel[0] * kernel[1] + offset] = true;
    }

    /// <summary>How many flags <see cref="WindowChoices"/> writes per sample: one per window and position of the window.</summary>
    public static int WindowPositions(OpSettings settings, int[] input)
    {
        var (output, kernel) = (Slide("max-pool2d", settings, input, input[0], pool: true), settings.Integers("kernel_size"));
        return output[0] * output[1] * output[2] * kernel[0] * kernel[1];
    }

    /// <summary>Each window of the batch in order, the position in it of its first maximum in row-major order, and that value's index.</summary>
    static IEnumerable<(int Window, int Offset, int Index)> FirstMaxima(OpSettings settings, int[] input, double[] values)
    {
        var (kernel, stride, padding) = (settings.Integers("kernel_size"), settings.Integers("stride"), settings.Integers("padding"));
        var (channels, height, width) = (input[0], input[1], input[2]);
        var output = Slide("max-pool2d", settings, input, channels, pool: true);
        var window = 0;
        for (var plane = 0; plane < values.Length / (height * width); plane++)
            for (var oh = 0; oh < output[1]; oh++)
                for (var ow = 0; ow < output[2]; ow++, window++)
                {
                    var (at, offset) = (-1, -1);
                    for (var i = 0; i < kernel[0]; i++)
                        for (var j = 0; j < kernel[1]; j++)
                        {
                            var (h, w) = (oh * stride[0] - padding[0] + i, ow * stride[1] - padding[1] + j);
                            var index = plane * height * width + h * width + w;
                            if (h >= 0 && h < height && w >= 0 && w < width && (at < 0 || values[index] > values[at]))
                                (at, offset) = (index, i * kernel[1] + j);
                        }
                    yield return (window, offset, at);
                }
    }

    /// <summary>conv2d's weight [out_channels, in_channels, kh, kw] and bias [out_channels].</summary>
    public static IReadOnlyList<OwnedTensor> ConvolutionTensors(OpSettings settings, int[] input)
    {
        var (channels, kernel) = (settings.Integer("out_channels"), settings.Integers("kernel_size"));
        OwnedTensor weight = new("weight", [channels, input[0], kernel[0], kernel[1]], TensorRole.Weight);
        return settings.Flag("bias") ? [weight, new("bias", [channels], TensorRole.Bias)] : [weight];
    }

    /// <summary>
    /// conv2d as im2col and a product: 2·in·kh·kw multiply-adds per output element forward, as much for
    /// the weight's gradient and again for the input's, plus the bias added forward and summed backward.
    /// </summary>
    public static OpCost Convolution(OpSettings settings, int[] input, int[] output)
    {
        var outputs = (long)Count(output);
        var kernel = settings.Integers("kernel_size");
        var product = 2L * outputs * input[0] * kernel[0] * kernel[1];
        var bias = settings.Flag("bias") ? outputs : 0;
        return new OpCost(product + bias, product + bias, product);
    }

    /// <summary>A pool: a comparison or an addition per window element forward; backward one write per output (max) or one per window element (avg).</summary>
    public static OpCost Pool(OpSettings settings, int[] output, bool max)
    {
        var kernel = settings.Integers("kernel_size");
        var window = (long)Count(output) * kernel[0] * kernel[1];
        return new OpCost(window, 0, max ? Count(output) : window);
    }
}
