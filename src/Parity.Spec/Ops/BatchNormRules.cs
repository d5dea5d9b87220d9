using static Parity.Spec.LayerShapes;

namespace Parity.Spec;

/// <summary>
/// batch-norm1d and batch-norm2d as the catalogue describes them: their shapes, the tensors they own in
/// nn.BatchNorm's state_dict order, and the usual mistakes — normalising with the unbiased variance,
/// storing the biased one in running_var — computed from the batch's statistics for diagnosis. No
/// engine uses these rules.
/// </summary>
static class BatchNormRules
{
    /// <summary>
    /// The catalogue row of batch-norm1d (images false) or batch-norm2d: nn.BatchNorm's momentum, eps and
    /// affine with their defaults (track_running_stats always on), num_features from the input. Per
    /// channel mean, variance, normalise, scale and shift forward; the normalisation's three sums backward.
    /// </summary>
    public static LayerOp Op(string keyword, bool images, IReadOnlyList<OpExample> examples) => new(keyword, 5, 8)
    {
        Options = [OpOption.Number("momentum", 0.1, 0, 1), OpOption.Number("eps", 1e-5, 0, 1, exclusiveMin: true), OpOption.Flag("affine", true)],
        Derived = input => new() { ["num_features"] = input[0] },
        Shape = (_, input) => Shape(keyword, input, images),
        Owns = Tensors,
        TrainingDiffers = LayerOp.Always,
        OutputScale = OutputScale,
        InputGradientSlope = InputGradientSlope,
        ForwardMistakes = ForwardMistakes,
        BufferMistakes = BufferMistakes,
        Examples = examples,
    };

    /// <summary>batch-norm1d takes [C] or [C, L], batch-norm2d [C, H, W]; the output has the input's shape.</summary>
    static int[] Shape(string keyword, int[] input, bool images) => (images ? input.Length == 3 : input.Length is 1 or 2)
        ? input
        : throw new ShapeException(images
            ? $"{keyword} takes images [C, H, W], but its input is {Text(input)}; use batch-norm1d on features"
            : $"{keyword} takes features [C] or [C, L], but its input is {Text(input)}; use batch-norm2d on images [C, H, W]");

    /// <summary>weight and bias [C] (if affine), then the buffers running_mean, running_var [C] and num_batches_tracked [], as nn.BatchNorm's state_dict.</summary>
    static IReadOnlyList<OwnedTensor> Tensors(OpSettings settings, int[] input)
    {
        var channels = input[0];
        OwnedTensor[] buffers =
        [
            new("running_mean", [channels], TensorRole.Zeros, Buffer: true),
            new("running_var", [channels], TensorRole.Ones, Buffer: true),
            new("num_batches_tracked", [], TensorRole.Zeros, Buffer: true),
        ];
        return settings.Flag("affine") ? [new("weight", [channels], TensorRole.Ones), new("bias", [channels], TensorRole.Zeros), .. buffers] : buffers;
    }

    static IReadOnlyList<ForwardMistake> ForwardMistakes(OpSettings settings, int[] input) =>
    [
        new("it matches normalising by the unbiased variance Σ(x − μ)²/(n − 1): PyTorch normalises a training batch by the biased variance Σ(x − μ)²/n (and keeps the unbiased one for running_var)",
            (x, y, rows) =>
            {
                var (_, biased, unbiased) = Statistics(x, rows, input);
                var (channels, size, eps) = (input[0], Count(input) / input[0], settings.Number("eps"));
                // y = b + (x − μ)·w/√(σ² + eps): the channel's mean of y is b, and y − b scales by √((σ²_b + eps)/(σ²_u + eps)).
                var shift = ChannelMeans(y, rows, channels, size);
                return [.. y.Select((v, i) => Channel(i, channels, size) is var c ? shift[c] + (v - shift[c]) * Math.Sqrt((biased[c] + eps) / (unbiased[c] + eps)) : 0)];
            }),
    ];

    /// <summary>
    /// The largest |x|/√(σ² + eps) over the channels: x − μ loses the rounding of x's size, and normalising divides it by
    /// √(σ² + eps), so on a channel whose batch barely varies the output's rounding is of that size, however small the
    /// output (the affine weight starts at 1, as the check's parameters do).
    /// </summary>
    static double OutputScale(OpSettings settings, int[] input, double[] x, int rows)
    {
        var (_, biased, _) = Statistics(x, rows, input);
        var (channels, size) = (input[0], Count(input) / input[0]);
        var largest = new double[channels];
        for (var i = 0; i < x.Length; i++)
            largest[Channel(i, channels, size)] = Math.Max(largest[Channel(i, channels, size)], Math.Abs(x[i]));
        return largest.Select((v, c) => v / Math.Sqrt(biased[c] + settings.Number("eps"))).Max();
    }

    /// <summary>
    /// The largest 1/√(σ² + eps) over the channels: dL/dx = (g − mean g − x̂·mean(g·x̂))·w/√(σ² + eps) sums terms of that
    /// size per unit of g (the affine weight starts at 1, as the check's parameters do), which cancel to eps/(σ² + eps) of it
    /// on a batch of 2 rows, where x̂ = ±√(σ²/(σ² + eps)): a float32 reference keeps the terms' rounding, not the result's
    /// (sweep seed 300395: 1.2e-3 of an input gradient cancelled that way).
    /// </summary>
    static double InputGradientSlope(OpSettings settings, int[] input, double[] x, int rows)
    {
        var (_, biased, _) = Statistics(x, rows, input);
        return biased.Select(v => 1 / Math.Sqrt(v + settings.Number("eps"))).Max();
    }

    static IReadOnlyList<BufferMistake> BufferMistakes(OpSettings settings, int[] input) =>
    [
        new($"it matches running_var ← (1 − momentum)·running_var + momentum·σ², σ² the biased variance Σ(x − μ)²/n: PyTorch stores the unbiased Σ(x − μ)²/(n − 1), momentum = {settings.Number("momentum")}",
            "running_var",
            (x, rows, twinAfter) =>
            {
                var (_, biased, unbiased) = Statistics(x, rows, input);
                var momentum = settings.Number("momentum");
                return [.. twinAfter.Select((v, c) => v + momentum * (biased[c] - unbiased[c]))];
            }),
    ];

    /// <summary>Per channel of x [rows, C·S] (NCHW, S positions per channel): the mean, and the biased and unbiased variances over its rows·S values.</summary>
    static (double[] Mean, double[] Biased, double[] Unbiased) Statistics(double[] x, int rows, int[] input)
    {
        var (channels, size) = (input[0], Count(input) / input[0]);
        var n = rows * size;
        var mean = ChannelMeans(x, rows, channels, size);
        var squares = new double[channels];
        for (var i = 0; i < x.Length; i++)
        {
            var c = Channel(i, channels, size);
            squares[c] += (x[i] - mean[c]) * (x[i] - mean[c]);
        }
        return (mean, [.. squares.Select(s => s / n)], [.. squares.Select(s => s / (n - 1))]);
    }

    static double[] ChannelMeans(double[] values, int rows, int channels, int size)
    {
        var sums = new double[channels];
        for (var i = 0; i < values.Length; i++)
            sums[Channel(i, channels, size)] += values[i];
        return [.. sums.Select(s => s / (rows * size))];
    }

    static int Channel(int index, int channels, int size) => index / size % channels;
}
