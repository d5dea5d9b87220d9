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
    /// Every output position's window inside the image, worked out once: for position p = oh·W′ + ow,
    /// the offsets h·W + w within one channel of the inputs it covers, in row-major order, at
    /// <c>Offsets[p·Taps ..]</c>, <c>Counts[p]</c> of them (fewer than <see cref="Taps"/> where the
    /// window meets the padding).
    /// </summary>
    public (int[] Offsets, int[] Counts) Inside()
    {
        var (offsets, counts) = (new int[Positions * Taps], new int[Positions]);
        for (var oh = 0; oh < OutHeight; oh++)
            for (var ow = 0; ow < OutWidth; ow++)
            {
                var p = oh * OutWidth + ow;
                for (var i = 0; i < KernelHeight; i++)
                {
                    var h = Row(oh, i);
                    if ((uint)h >= (uint)Height)
                        continue;
                    for (var j = 0; j < KernelWidth; j++)
                    {
                        var w = Column(ow, j);
                        if ((uint)w < (uint)Width)
                            offsets[p * Taps + counts[p]++] = h * Width + w;
                    }
                }
            }
        return (offsets, counts);
    }
}
