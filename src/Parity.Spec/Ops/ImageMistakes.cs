namespace Parity.Spec;

/// <summary>
/// The usual mistakes in the backward of conv2d and avg-pool, recognised by the shape of the
/// difference rather than by recomputing the layer: a weight gradient whose kernels are turned 180°,
/// an input gradient shifted by a pixel (padding off by one) or cut off where stride 1 stops (stride
/// ignored), an avg-pool gradient not divided by the window (max-pool's routing:
/// <see cref="MaxPoolMistakes"/>). Diagnosis only: no engine uses these rules.
/// </summary>
static class ImageMistakes
{
    public static string? Convolution(LayerEvidence e)
    {
        foreach (var (engine, twin) in e.Parameters.Where(p => p.Engine.Shape.Length == 4))
            if (!Same(e, engine.Data, twin.Data) && Same(e, engine.Data, Rotated(twin)))
                return $"the {engine.Name} gradient is TorchSharp's with each {twin.Shape[2]}×{twin.Shape[3]} kernel turned 180°: the forward is a cross-correlation, "
                    + "so dW[o, c, i, j] = Σ dY[o, p]·x[c, p·stride − padding + (i, j)·dilation] takes the input at the kernel's own offsets, with no flip";
        if (!e.GradInputDiffers)
            return null;
        var (stride, padding) = (e.Settings.Integers("stride"), e.Settings.Integers("padding"));
        if (Shift(e) is var (down, across))
            return $"the gradient it passes back is TorchSharp's moved {Moves(down, across)}: the backward's padding is off by one — "
                + $"output position (oh, ow) came from input row oh·stride − padding + i·dilation, with the forward's padding [{string.Join(", ", padding)}]";
        if (stride.Any(s => s > 1) && StrideOneReach(e) is { } reach)
            return $"the gradient it passes back is zero beyond row and column {reach} of the input {LayerShapes.Text(e.InputShape)}, where TorchSharp's is not: "
                + $"the backward spreads the output positions with stride 1 instead of the forward's stride [{string.Join(", ", stride)}] — the stride is ignored in backward";
        return null;
    }

    public static string? AvgPool(LayerEvidence e)
    {
        var kernel = e.Settings.Integers("kernel_size");
        var window = kernel[0] * kernel[1];
        return e.GradInputDiffers && e.EngineGradInput.Select((v, i) => (v, i)).All(p => e.Close(p.v, window * e.TwinGradInput[p.i]))
            ? $"it is {window}× TorchSharp's, the window's {kernel[0]}×{kernel[1]} values: the gradient is not divided by the window, as the forward's mean is"
            : null;
    }

    static bool Same(LayerEvidence e, double[] engine, double[] twin) => engine.Select((v, i) => e.Close(v, twin[i])).All(ok => ok);

    /// <summary>Each kernel [kh, kw] of a weight [out, in, kh, kw] turned 180°.</summary>
    static double[] Rotated(HostTensor weight)
    {
        var taps = weight.Shape[2] * weight.Shape[3];
        var turned = new double[weight.Data.Length];
        for (var kernel = 0; kernel < weight.Data.Length / taps; kernel++)
            for (var t = 0; t < taps; t++)
                turned[kernel * taps + t] = weight.Data[kernel * taps + taps - 1 - t];
        return turned;
    }

    /// <summary>The one-pixel move (rows, columns) that takes TorchSharp's input gradient onto the engine's, compared where both are inside the image; null if none does.</summary>
    static (int Down, int Across)? Shift(LayerEvidence e)
    {
        var (height, width) = (e.InputShape[1], e.InputShape[2]);
        var planes = e.EngineGradInput.Length / (height * width);
        foreach (var (down, across) in new[] { (1, 1), (-1, -1), (1, 0), (0, 1), (-1, 0), (0, -1), (1, -1), (-1, 1) })
        {
            var fits = true;
            for (var plane = 0; plane < planes && fits; plane++)
                for (var h = Math.Max(0, down); h < Math.Min(height, height + down) && fits; h++)
                    for (var w = Math.Max(0, across); w < Math.Min(width, width + across) && fits; w++)
                        fits = e.Close(e.EngineGradInput[(plane * height + h) * width + w], e.TwinGradInput[(plane * height + h - down) * width + w - across]);
            if (fits)
                return (down, across);
        }
        return null;
    }

    static string Moves(int down, int across) => (down, across) switch
    {
        (0, _) => $"one pixel {(across > 0 ? "right" : "left")}",
        (_, 0) => $"one pixel {(down > 0 ? "down" : "up")}",
        _ => $"one pixel {(down > 0 ? "down" : "up")} and {(across > 0 ? "right" : "left")}",
    };

    /// <summary>
    /// Where a backward that steps the output positions by 1 stops: past row (H′ − 1) − padding +
    /// (kh − 1)·dilation (and the same across) it writes nothing. The row, if the engine's gradient is
    /// zero past it and TorchSharp's is not.
    /// </summary>
    static int? StrideOneReach(LayerEvidence e)
    {
        var (kernel, padding, dilation) = (e.Settings.Integers("kernel_size"), e.Settings.Integers("padding"), e.Settings.Integers("dilation"));
        var (height, width) = (e.InputShape[1], e.InputShape[2]);
        var lastRow = e.OutputShape[1] - 1 - padding[0] + (kernel[0] - 1) * dilation[0];
        var lastColumn = e.OutputShape[2] - 1 - padding[1] + (kernel[1] - 1) * dilation[1];
        bool Beyond(int i) => (i / width) % height > lastRow || i % width > lastColumn;
        var beyond = Enumerable.Range(0, e.EngineGradInput.Length).Where(Beyond).ToList();
        return beyond.Count > 0 && beyond.All(i => e.EngineGradInput[i] == 0) && beyond.Any(i => e.TwinGradInput[i] != 0)
            ? Math.Min(lastRow, lastColumn)
            : null;
    }
}
