namespace Parity.Engine.Modules.Images;

/// <summary>
/// A window sliding over each sample's image [C, H, W] (a row of the engine's matrices, NCHW): the
/// geometry conv2d and the pools share, read from the model description's shapes and options.
/// Output position (oh, ow) covers rows oh·stride − padding + i·dilation, i &lt; kernel, and the same across.
/// </summary>
public readonly record struct Window(
    int Channels, int Height, int Width, int OutHeight, int OutWidth,
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth,
    int PaddingHeight, int PaddingWidth, int DilationHeight, int DilationWidth)
{
    public static Window Of(LayerDescription layer)
    {
        if (layer.InputShape is not [var channels, var height, var width] || layer.OutputShape is not [_, var outHeight, var outWidth])
            throw new ArgumentException($"layer {layer.Index} ({layer.Kind}) takes images [C, H, W], not [{string.Join(", ", layer.InputShape)}]");
        var (kernel, stride, padding) = (layer.Integers("kernel_size"), layer.Integers("stride"), layer.Integers("padding"));
        int[] dilation = layer.Options["dilation"] is null ? [1, 1] : layer.Integers("dilation");
        return new Window(channels, height, width, outHeight, outWidth, kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1]);
    }

    /// <summary>Values of one input image: C·H·W.</summary>
    public int InputSize => Channels * Height * Width;

    /// <summary>Output positions of one image per channel: H′·W′.</summary>
    public int Positions => OutHeight * OutWidth;

    /// <summary>Kernel positions: kh·kw.</summary>
    public int Taps => KernelHeight * KernelWidth;

    /// <summary>The input row of kernel row i at output row oh (may fall in the padding: &lt; 0 or ≥ H).</summary>
    public int Row(int oh, int i) => oh * StrideHeight - PaddingHeight + i * DilationHeight;

    /// <summary>The input column of kernel column j at output column ow (may fall in the padding).</summary>
    public int Column(int ow, int j) => ow * StrideWidth - PaddingWidth + j * DilationWidth;

    /// <summary>
    /// The output columns whose kernel column j falls inside the image (not in the padding): one run
    /// from <c>First</c>, <c>Count</c> long (0 when the tap only ever meets padding).
    /// </summary>
    public (int First, int Count) InsideRun(int j)
    {
        // Column(ow, j) = ow·stride − padding + j·dilation ∈ [0, W)
        var (low, high) = (PaddingWidth - j * DilationWidth, Width - 1 + PaddingWidth - j * DilationWidth);
        var first = low <= 0 ? 0 : (low + StrideWidth - 1) / StrideWidth;
        var last = high < 0 ? -1 : Math.Min(OutWidth - 1, high / StrideWidth);
        return last < first ? (0, 0) : (first, last - first + 1);
    }

    /// <summary>
    /// Every output position's window worked out once: for position p = oh·W′ + ow and kernel tap
    /// k = i·kw + j (row-major), the offset h·W + w within one channel of the input it meets, at
    /// <c>[p·Taps + k]</c>, or −1 where it falls in the padding.
    /// </summary>
    public int[] TapOffsets()
    {
        var offsets = new int[Positions * Taps];
        for (var oh = 0; oh < OutHeight; oh++)
            for (var ow = 0; ow < OutWidth; ow++)
                for (var i = 0; i < KernelHeight; i++)
                    for (var j = 0; j < KernelWidth; j++)
                    {
                        var (h, w) = (Row(oh, i), Column(ow, j));
                        var inside = (uint)h < (uint)Height && (uint)w < (uint)Width;
                        offsets[((oh * OutWidth + ow) * KernelHeight + i) * KernelWidth + j] = inside ? h * Width + w : -1;
                    }
        return offsets;
    }
}
