namespace Parity.Spec;

/// <summary>
/// The usual mistakes in causal self-attention's backward and forward, recognised by recomputing the layer
/// in float64 on TorchSharp's input and parameters under each mistake and naming the one that gives the
/// engine's tensors: softmax's Jacobian without its subtraction, the causal mask left out of backward,
/// the 1/√d scale left out of backward, heads split with the wrong stride. Diagnosis only: no engine
/// uses this code, and an engine's attention with dropout is not recomputed (its mask is the batch's).
/// </summary>
static class AttentionMistakes
{
    public enum Mistake { None, JacobianSubtractionMissing, MaskMissingInBackward, ScaleMissingInBackward, HeadsInterleaved }

    static readonly (Mistake Mistake, string Explanation)[] Backwards =
    [
        (Mistake.JacobianSubtractionMissing, "it matches a backward through softmax that takes dS = P ⊙ dP: the −P·Σⱼ Pⱼ·dPⱼ term of softmax's Jacobian "
            + "diag(P) − P·Pᵀ is missing, so dS = P ⊙ (dP − Σⱼ P ⊙ dP) per row"),
        (Mistake.MaskMissingInBackward, "it matches a backward that recomputes the attention probabilities without the causal mask: gradient reaches "
            + "future positions (j > i), which the forward's mask (−∞ before the softmax) cut off"),
        (Mistake.ScaleMissingInBackward, "it matches a backward without the 1/√d scale of q·kᵀ/√d: dq = dS·k/√d and dk = dSᵀ·q/√d, d the head size; "
            + "the q and k parts of c_attn's gradient are √d times too large"),
    ];

    public static string? Explain(LayerEvidence e)
    {
        if (Parts(e) is not { } parts)
            return null;
        foreach (var (mistake, explanation) in Backwards)
        {
            var run = Compute(parts, mistake);
            if ((!e.GradInputDiffers || e.Same(e.EngineGradInput, run.GradInput))
                && Matches(e, "c_attn.weight", run.GradAttention) && Matches(e, "c_attn.bias", run.GradAttentionBias))
                return explanation;
        }
        return null;
    }

    /// <summary>A forward whose output is the layer's with heads taken as every H-th column (view(B, T, d, H)) instead of H blocks of d columns.</summary>
    public static string? ExplainForward(LayerEvidence e, double[] engineOutput) =>
        Parts(e) is { } parts && e.Same(engineOutput, Compute(parts, Mistake.HeadsInterleaved).Output)
            ? $"it matches heads split with the wrong stride: head h takes columns h, h + H, h + 2H, … (a view(B, T, d, H), transposed) instead of the block h·d … h·d + d − 1 "
                + $"(view(B, T, H, d).transpose(1, 2)), H = {parts.Heads}, d = {parts.Channels / parts.Heads}"
            : null;

    static bool Matches(LayerEvidence e, string name, double[] recomputed) => e.EngineGradient(name) is not { } engine || e.Same(engine, recomputed);

    /// <summary>What the recomputation needs, or null when the layer cannot be recomputed (dropout, or values not given).</summary>
    sealed record Layer(int Rows, int Length, int Channels, int Heads, double[] X, double[] G, double[] Wa, double[] Ba, double[] Wp, double[] Bp);

    static Layer? Parts(LayerEvidence e)
    {
        if (e.Settings.Number("dropout") > 0 || e.Value("c_attn.weight") is not { } wa || e.Value("c_attn.bias") is not { } ba
            || e.Value("c_proj.weight") is not { } wp || e.Value("c_proj.bias") is not { } bp)
            return null;
        var (length, channels) = (e.InputShape[0], e.InputShape[1]);
        return new Layer(e.Input.Length / (length * channels), length, channels, e.Settings.Integer("num_heads"), e.Input, e.GradOutput, wa, ba, wp, bp);
    }

    sealed record Run(double[] Output, double[] GradInput, double[] GradAttention, double[] GradAttentionBias);

    /// <summary>Forward and backward of one layer, sample by sample, with <paramref name="mistake"/> in it.</summary>
    static Run Compute(Layer l, Mistake mistake)
    {
        var (T, C, H) = (l.Length, l.Channels, l.Heads);
        var d = C / H;
        var forwardScale = 1 / Math.Sqrt(d);
        var backwardScale = mistake == Mistake.ScaleMissingInBackward ? 1 : forwardScale;
        var output = new double[l.Rows * T * C];
        var gradInput = new double[output.Length];
        var (gradWa, gradBa) = (new double[3 * C * C], new double[3 * C]);
        int Column(int head, int e) => mistake == Mistake.HeadsInterleaved ? e * H + head : head * d + e;
        for (var row = 0; row < l.Rows; row++)
        {
            var x = l.X.AsSpan(row * T * C, T * C);
            var g = l.G.AsSpan(row * T * C, T * C);
            var qkv = new double[T * 3 * C];
            for (var t = 0; t < T; t++)
                for (var o = 0; o < 3 * C; o++)
                    qkv[t * 3 * C + o] = l.Ba[o] + Dot(x.Slice(t * C, C), l.Wa.AsSpan(o * C, C));
            var y = new double[T * C];
            var gradQkv = new double[T * 3 * C];
            var gradY = new double[T * C];
            for (var t = 0; t < T; t++)
                for (var c = 0; c < C; c++)
                    for (var o = 0; o < C; o++)
                        gradY[t * C + c] += g[t * C + o] * l.Wp[o * C + c];
            for (var h = 0; h < H; h++)
            {
                double Q(int i, int e) => qkv[i * 3 * C + Column(h, e)];
                double K(int j, int e) => qkv[j * 3 * C + C + Column(h, e)];
                double V(int j, int e) => qkv[j * 3 * C + 2 * C + Column(h, e)];
                var scores = new double[T, T];
                for (var i = 0; i < T; i++)
                    for (var j = 0; j < T; j++)
                        for (var e = 0; e < d; e++)
                            scores[i, j] += Q(i, e) * K(j, e) * forwardScale;
                var p = Softmax(scores, causal: true);
                var pBackward = mistake == Mistake.MaskMissingInBackward ? Softmax(scores, causal: false) : p;
                for (var i = 0; i < T; i++)
                    for (var e = 0; e < d; e++)
                        for (var j = 0; j <= i; j++)
                            y[i * C + Column(h, e)] += p[i, j] * V(j, e);
                for (var i = 0; i < T; i++)
                {
                    var gradP = new double[T];
                    for (var j = 0; j < T; j++)
                        for (var e = 0; e < d; e++)
                            gradP[j] += gradY[i * C + Column(h, e)] * V(j, e);
                    var weighted = 0.0;
                    for (var j = 0; j < T; j++)
                        weighted += pBackward[i, j] * gradP[j];
                    for (var j = 0; j < T; j++)
                    {
                        var gradS = pBackward[i, j] * (mistake == Mistake.JacobianSubtractionMissing ? gradP[j] : gradP[j] - weighted);
                        for (var e = 0; e < d; e++)
                        {
                            gradQkv[i * 3 * C + Column(h, e)] += gradS * K(j, e) * backwardScale;
                            gradQkv[j * 3 * C + C + Column(h, e)] += gradS * Q(i, e) * backwardScale;
                            gradQkv[j * 3 * C + 2 * C + Column(h, e)] += pBackward[i, j] * gradY[i * C + Column(h, e)];
                        }
                    }
                }
            }
            for (var t = 0; t < T; t++)
            {
                for (var o = 0; o < C; o++)
                    output[(row * T + t) * C + o] = l.Bp[o] + Dot(y.AsSpan(t * C, C), l.Wp.AsSpan(o * C, C));
                for (var o = 0; o < 3 * C; o++)
                {
                    var gq = gradQkv[t * 3 * C + o];
                    gradBa[o] += gq;
                    for (var c = 0; c < C; c++)
                    {
                        gradWa[o * C + c] += gq * x[t * C + c];
                        gradInput[(row * T + t) * C + c] += gq * l.Wa[o * C + c];
                    }
                }
            }
        }
        return new Run(output, gradInput, gradWa, gradBa);
    }

    /// <summary>Each row's softmax over j ≤ i (causal) or over every j.</summary>
    static double[,] Softmax(double[,] scores, bool causal)
    {
        var T = scores.GetLength(0);
        var p = new double[T, T];
        for (var i = 0; i < T; i++)
        {
            var last = causal ? i : T - 1;
            var max = double.NegativeInfinity;
            for (var j = 0; j <= last; j++)
                max = Math.Max(max, scores[i, j]);
            var sum = 0.0;
            for (var j = 0; j <= last; j++)
                sum += p[i, j] = Math.Exp(scores[i, j] - max);
            for (var j = 0; j <= last; j++)
                p[i, j] /= sum;
        }
        return p;
    }

    static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
