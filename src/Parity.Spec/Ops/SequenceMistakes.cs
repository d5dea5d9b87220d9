namespace Parity.Spec;

/// <summary>
/// The usual mistakes in the backward of layer norm, the embeddings and residual blocks, recognised from
/// TorchSharp's input, parameters and the gradient reaching the layer's output: layer norm's input gradient
/// without its mean(ĝ·x̂) term or its weight gradient reduced over the wrong axis, an embedding gradient
/// overwritten where a token repeats, a position-embedding gradient not summed over the batch, a residual
/// block dropping its skip path. Diagnosis only: no engine uses these rules.
/// </summary>
public static class SequenceMistakes
{
    public static string? LayerNorm(LayerEvidence e)
    {
        var channels = e.InputShape[^1];
        var positions = e.Input.Length / channels;
        var weight = e.Value("weight") ?? [.. Enumerable.Repeat(1.0, channels)];
        var normalised = new double[e.Input.Length];
        var withoutProjection = new double[e.Input.Length];
        var position = 0;
        foreach (var (mean, inverse, _) in LayerNormScales.Positions(e.Settings.Number("eps"), channels, e.Input))
        {
            var n = position++;
            var x = e.Input.AsSpan(n * channels, channels);
            var meanGrad = 0.0;
            for (var c = 0; c < channels; c++)
            {
                normalised[n * channels + c] = (x[c] - mean) * inverse;
                meanGrad += e.GradOutput[n * channels + c] * weight[c] / channels;
            }
            for (var c = 0; c < channels; c++)
                withoutProjection[n * channels + c] = inverse * (e.GradOutput[n * channels + c] * weight[c] - meanGrad);
        }
        if (e.GradInputDiffers && e.Same(e.EngineGradInput, withoutProjection))
            return "it matches dx = (ĝ − mean(ĝ))/σ, ĝ = dy·weight: the −x̂·mean(ĝ·x̂) term of layer norm's input gradient (the variance's dependence on x) is missing";
        if (e.EngineGradient("weight") is { } engineWeight && e.InputShape is [var steps, _] && steps == channels)
        {
            // Σ over rows and features of dy·x̂, indexed by position: the right sum's axes transposed, as a [rows, T, C] tensor reduced with the wrong dims.
            var transposed = new double[channels];
            for (var n = 0; n < positions; n++)
                for (var c = 0; c < channels; c++)
                    transposed[n % steps] += e.GradOutput[n * channels + c] * normalised[n * channels + c];
            if (e.Same(engineWeight, transposed))
                return $"its weight gradient is Σ dy·x̂ over the rows and the {channels} features, one value per position, instead of over the rows and the {steps} positions, "
                    + "one per feature: the sum runs over the wrong axis of [rows, T, C]";
        }
        return null;
    }

    /// <summary>An embedding whose weight gradient keeps the last occurrence of each token instead of summing them.</summary>
    public static string? Embedding(LayerEvidence e)
    {
        if (e.EngineGradient("weight") is not { } engine)
            return null;
        var dim = e.OutputShape[^1];
        var kept = new double[engine.Length];
        var seen = new int[engine.Length / dim];
        for (var n = 0; n < e.Input.Length; n++)
        {
            var token = (int)e.Input[n];
            seen[token]++;
            e.GradOutput.AsSpan(n * dim, dim).CopyTo(kept.AsSpan(token * dim, dim));
        }
        return seen.Any(count => count > 1) && e.Same(engine, kept)
            ? $"each row of its weight gradient is the gradient of the token's last occurrence alone: {seen.Count(count => count > 1)} tokens repeat in the batch, "
                + "and weight.grad[id] must sum dy over every position holding id (index_add, not assignment)"
            : null;
    }

    /// <summary>A position embedding whose weight gradient is one row's (the first or the last) or the batch's mean instead of its sum.</summary>
    public static string? PositionEmbedding(LayerEvidence e)
    {
        if (e.EngineGradient("weight") is not { } engine)
            return null;
        var perRow = e.InputShape[0] * e.InputShape[1];
        var rows = e.GradOutput.Length / perRow;
        double[] Rows(Func<int, double> weight)
        {
            var sum = new double[engine.Length];
            for (var row = 0; row < rows; row++)
                for (var i = 0; i < perRow; i++)
                    sum[i] += weight(row) * e.GradOutput[row * perRow + i];
            return sum;
        }
        if (rows > 1 && e.Same(engine, Rows(row => row == 0 ? 1 : 0)))
            return "its weight gradient is the first sample's dy alone: weight.grad[t] must sum dy[:, t] over the batch's rows, as the table is added to every sample";
        if (rows > 1 && e.Same(engine, Rows(row => row == rows - 1 ? 1 : 0)))
            return "its weight gradient is the last sample's dy alone (overwritten row by row): weight.grad[t] must sum dy[:, t] over the batch's rows";
        if (rows > 1 && e.Same(engine, Rows(_ => 1.0 / rows)))
            return $"its weight gradient is the mean of dy over the batch's {rows} rows: weight.grad[t] is their sum (the loss's own mean already divides)";
        return null;
    }

    /// <summary>
    /// A residual block whose input gradient is its layers' alone: the skip's dy is not added. From the engine's and
    /// TorchSharp's gradient at the block's input and the gradient reaching its output.
    /// </summary>
    public static string? Residual(double[] engineGradInput, double[] twinGradInput, double[] gradOutput, Tolerance tolerance)
    {
        return !engineGradInput.Select((v, i) => tolerance.Close(v, twinGradInput[i])).All(ok => ok)
            && engineGradInput.Select((v, i) => tolerance.Close(v, twinGradInput[i] - gradOutput[i])).All(ok => ok)
            ? "the gradient it passes back is its layers' alone: the block computes x + f(x), so dL/dx = dy + f′ᵀ·dy — the backward drops the skip path's dy"
            : null;
    }
}
