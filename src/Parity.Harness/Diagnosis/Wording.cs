using System.Globalization;
using Parity.Spec;

namespace Parity.Harness.Diagnosis;

/// <summary>How the diagnosis names layers, losses, numbers and ratios, the same way in every sentence.</summary>
static class Wording
{
    /// <summary>
    /// "layer 2 (tanh, 3rd from the output)": the spec's index and, for a reader walking back from the loss, the position
    /// from the output; a layer inside a residual block by its path, "layer 2.1 (causal-self-attention, in residual block 2)".
    /// </summary>
    public static string Layer(ParitySpec spec, int index)
    {
        var path = spec.Model[index].Path;
        if (path.LastIndexOf('.') is var dot and > 0)
            return $"layer {path} ({Kind(spec, index)}, in residual block {path[..dot]})";
        var topLevel = spec.Model.Where(l => !l.Path.Contains('.', StringComparison.Ordinal)).ToList();
        return $"layer {path} ({Kind(spec, index)}, {Ordinal(topLevel.Count - topLevel.FindIndex(l => l.Index == index))} from the output)";
    }

    /// <summary>The layer's keyword: "linear", "conv2d", "tanh".</summary>
    public static string Kind(ParitySpec spec, int index) => spec.Model[index] switch
    {
        LinearLayer => "linear",
        OpLayer a => a.Keyword,
        ResidualLayer => ResidualLayer.Keyword,
        _ => "layer",
    };

    /// <summary>The flat index of the layer a tensor belongs to: layer outputs are named by the layer's path ("2", "3.1"), parameters "2.weight", "3.1.c_attn.weight".</summary>
    public static int LayerIndex(ParitySpec spec, string name) => LayerShapes.Owner(spec, name);

    public static string Loss(LossSpec loss) => $"{loss.Op.Keyword} ({loss.Reduction.ToString().ToLowerInvariant()}) loss";

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        _ => value.ToString("G6", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// What a ratio between the engine and TorchSharp usually means, given the batch's sizes, as " — …"
    /// or "". <paramref name="lossAgrees"/>: only the gradient carries the ratio, not the loss.
    /// </summary>
    public static string Meaning(ParitySpec spec, Batch batch, double ratio, bool lossAgrees)
    {
        var rows = batch.Rows;
        var elements = batch.Rows * spec.OutputWidth;
        var mean = spec.Loss.Reduction == Reduction.Mean;
        var sumForMean = lossAgrees ? "the loss takes the mean but its gradient is never divided by it" : "a sum where the spec says mean";
        var candidates = new List<(double Value, string Text)>
        {
            (-1, "a sign flip: the gradient is negated somewhere (e.g. y − p instead of p − y)"),
            (rows, mean ? $"the batch size {rows}: {sumForMean}" : $"the batch size {rows}"),
            (1.0 / rows, mean ? $"1/{rows}, the batch size: divided by the batch once too often" : $"1/{rows}: a mean where the spec says sum"),
            (elements, $"{elements} = rows × outputs: {sumForMean}"),
            (1.0 / elements, $"1/{elements} = 1/(rows × outputs): a mean where the spec says sum"),
        };
        // Cross-entropy over a sequence averages over the positions it scores, rows × T less the ignored ones.
        if (LayerShapes.Of(spec)[^1].Out.Length == 2 && batch.Classes is { } classes && classes.Count(c => c != Batch.IgnoredTarget) is var scored && scored != rows)
            candidates.Add(((double)scored / rows, $"{scored}/{rows}, the positions scored over the rows: the mean is taken over the batch's {rows} rows instead of its {scored} scored positions "
                + "(cross-entropy over [rows, T, V] is PyTorch's view(-1, V) form, a mean over every token it scores)"));
        if (spec.Loss.Kind == LossKind.Mse)
            candidates.AddRange([(2, "2: the factor 2 of d(p − y)²/dp counted twice, or a ½ missing"), (0.5, "½: the factor 2 of d(p − y)²/dp missing")]);
        var match = candidates.FirstOrDefault(c => RatioFit.Near(ratio, c.Value));
        return match.Text is null ? "" : $" — {match.Text}";
    }

    static string Ordinal(int n) => n switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => $"{n}th" };
}
