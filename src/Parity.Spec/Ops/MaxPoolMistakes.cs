namespace Parity.Spec;

/// <summary>
/// The usual mistakes in routing max-pool's gradient, told apart by where each window's gradient goes. PyTorch
/// sends it to the window's first maximum in row-major order; a backward that sends it to the last tied maximum,
/// or to every tied one, is recomputed from TorchSharp's input and the gradient reaching the output, and named
/// when it gives the engine's gradient exactly; one that sends it into another window shows as gradient where no
/// window around it has a maximum, while each image plane still receives TorchSharp's total. Diagnosis only: no
/// engine uses these rules.
/// </summary>
static class MaxPoolMistakes
{
    /// <summary>A wrong routing: which of a window's maximal positions (in row-major order) receive its gradient, and what that is called.</summary>
    sealed record Routing(Func<List<int>, IEnumerable<int>> Receivers, Func<Counts, string> Explanation);

    /// <summary>What a sentence reports: the windows with a tie, and the positions the engine reaches that TorchSharp's does not.</summary>
    sealed record Counts(int TiedWindows, int ExtraPositions);

    static readonly Routing[] Routings =
    [
        new(maxima => [maxima[^1]], found =>
            $"the gradient of each of the {found.TiedWindows} windows with a tie reaches its last maximal position instead of its first: "
            + "the backward keeps a later equal value (≥ where PyTorch compares with >), while PyTorch sends the window's gradient to its first maximum in row-major order"),
        new(maxima => maxima, found =>
            $"the gradient reaches {found.ExtraPositions} input positions TorchSharp's does not, each equal to its window's maximum: "
            + "a tie sends the window's gradient to every maximal position instead of only the first, as PyTorch picks it (the first in row-major order)"),
    ];

    public static string? Explain(LayerEvidence e)
    {
        if (!e.GradInputDiffers)
            return null;
        var windows = Windows(e);
        var maxima = windows.Select(window => Maxima(e, window)).ToList();
        var found = new Counts(maxima.Count(m => m.Count > 1),
            Enumerable.Range(0, e.Input.Length).Count(i => e.TwinGradInput[i] == 0 && !e.Close(e.EngineGradInput[i], 0)));
        if (Routings.FirstOrDefault(routing => Same(e, Routed(e, maxima, routing.Receivers))) is { } match)
            return match.Explanation(found);
        return WrongWindow(e, windows, maxima);
    }

    /// <summary>
    /// Gradient at positions that are the maximum of no window around them, some window holding another total than
    /// TorchSharp's while each plane's total is TorchSharp's: every window's gradient arrives whole, in the wrong
    /// window. (A gradient sent to the wrong position of its own window leaves every window's total as it is, and is
    /// not called this.)
    /// </summary>
    static string? WrongWindow(LayerEvidence e, List<List<int>> windows, List<List<int>> maxima)
    {
        var maximal = maxima.SelectMany(m => m).ToHashSet();
        var inWindow = windows.SelectMany(w => w).ToHashSet();
        var stray = Enumerable.Range(0, e.Input.Length).Count(i => inWindow.Contains(i) && !maximal.Contains(i) && !e.Close(e.EngineGradInput[i], 0));
        var plane = e.InputShape[1] * e.InputShape[2];
        var conserved = Enumerable.Range(0, e.Input.Length / plane)
            .All(p => e.Close(e.EngineGradInput.Skip(p * plane).Take(plane).Sum(), e.TwinGradInput.Skip(p * plane).Take(plane).Sum()));
        var moved = windows.Any(w => !e.Close(w.Sum(i => e.EngineGradInput[i]), w.Sum(i => e.TwinGradInput[i])));
        if (stray == 0 || !conserved || !moved)
            return null;
        var stride = e.Settings.Integers("stride");
        return $"the gradient reaches {stray} input positions that are the maximum of no window around them, while each image plane receives TorchSharp's total: "
            + $"each window's gradient arrives whole but in another window — the backward maps output position (oh, ow) to the wrong window "
            + $"(row and column swapped, or a stride other than the forward's [{string.Join(", ", stride)}])";
    }

    /// <summary>The input positions of each window, in the order of the output's values (plane, oh, ow), each window's in row-major order.</summary>
    static List<List<int>> Windows(LayerEvidence e)
    {
        var (kernel, stride, padding) = (e.Settings.Integers("kernel_size"), e.Settings.Integers("stride"), e.Settings.Integers("padding"));
        var (height, width) = (e.InputShape[1], e.InputShape[2]);
        var output = ImageShapes.Slide("max-pool2d", e.Settings, e.InputShape, e.InputShape[0], pool: true);
        return [.. from plane in Enumerable.Range(0, e.Input.Length / (height * width))
                   from oh in Enumerable.Range(0, output[1])
                   from ow in Enumerable.Range(0, output[2])
                   select (from i in Enumerable.Range(0, kernel[0])
                           from j in Enumerable.Range(0, kernel[1])
                           let h = oh * stride[0] - padding[0] + i
                           let w = ow * stride[1] - padding[1] + j
                           where h >= 0 && h < height && w >= 0 && w < width
                           select (plane * height + h) * width + w).ToList()];
    }

    /// <summary>The window's positions holding its maximum, in row-major order: PyTorch's pick is the first.</summary>
    static List<int> Maxima(LayerEvidence e, List<int> window)
    {
        var max = window.Max(i => e.Input[i]);
        return [.. window.Where(i => e.Input[i] == max)];
    }

    /// <summary>The gradient passed back had each window's gradient gone to <paramref name="receivers"/> of its maxima.</summary>
    static double[] Routed(LayerEvidence e, List<List<int>> maxima, Func<List<int>, IEnumerable<int>> receivers)
    {
        var routed = new double[e.Input.Length];
        for (var o = 0; o < maxima.Count; o++)
            foreach (var i in receivers(maxima[o]))
                routed[i] += e.GradOutput[o];
        return routed;
    }

    static bool Same(LayerEvidence e, double[] routed) => e.EngineGradInput.Select((v, i) => e.Close(v, routed[i])).All(ok => ok);
}
