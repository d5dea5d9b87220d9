using System.Globalization;
using Parity.Harness.Checks;
using Parity.Harness.Comparison;
using Parity.Spec;

namespace Parity.Harness.Diagnosis;

/// <summary>
/// Turns the comparisons of a check into sentences: where the engine first parts from libtorch
/// (forward, loss, backward, update), what the difference looks like (a constant ratio, a sign, a
/// transpose, only the biases, the first NaN), and what that usually means.
/// </summary>
public static class GradientDiagnosis
{
    public static IReadOnlyList<string> Explain(ParitySpec spec, Batch batch, GradientParityResult parity, UpdateParityResult updates,
        GradcheckResult engineCheck, GradcheckResult twinCheck)
    {
        var lines = new List<string>();
        if (!NonFinite(spec, parity, lines))
        {
            Forward(spec, batch, parity, lines);
            if (parity.LayerOutputs.All(d => d.Passed))
                Backward(spec, batch, parity, lines);
            if (parity.Passed && updates.FirstFailure is { } failure)
                Update(spec, updates, failure, lines);
        }
        if (!engineCheck.Passed && engineCheck.Failures.FirstOrDefault() is { } miss)
            lines.Add($"finite differences disagree with the engine's gradient at {miss.Where}: numerical {F(miss.Numerical)} vs analytical {F(miss.Analytical)} "
                + $"({engineCheck.Failures.Count} shown){(twinCheck.Passed ? "; libtorch passes the same check" : "")}");
        if (!twinCheck.Passed && twinCheck.Failures.FirstOrDefault() is { } control)
            lines.Add($"the libtorch control fails gradcheck too, at {control.Where} (numerical {F(control.Numerical)} vs analytical {F(control.Analytical)}): "
                + "the loss is not smooth enough here for eps; try other tolerance.gradcheck settings");
        return lines;
    }

    /// <summary>The first NaN or infinity, in the order the computation makes them: forward, loss, then backward from the output.</summary>
    static bool NonFinite(ParitySpec spec, GradientParityResult parity, List<string> lines)
    {
        var twinToo = !double.IsFinite(parity.Twin.Loss) ? " (libtorch's too: the spec itself blows up here)" : " while libtorch's stays finite";
        var forward = parity.LayerOutputs.FirstOrDefault(d => d.HasNonFinite);
        if (forward is not null)
        {
            lines.Add($"the first NaN/Inf appears in the output of {Layer(spec, int.Parse(forward.Name, CultureInfo.InvariantCulture))} at {forward.WorstIndex}{twinToo}");
            return true;
        }
        if (!double.IsFinite(parity.Engine.Loss))
        {
            lines.Add($"the first NaN/Inf is the loss ({parity.Engine.Loss}) while the model's outputs are finite{twinToo}: "
                + spec.Loss.Kind switch
                {
                    LossKind.Bce => "log(0) — PyTorch clamps each log of BCE at −100",
                    LossKind.CrossEntropy => "exp overflow — the log-sum-exp must be shifted by the row maximum",
                    _ => "check the loss forward for overflow",
                });
            return true;
        }
        var backward = parity.LayerOutputGradients.Reverse().FirstOrDefault(d => d.HasNonFinite);
        if (backward is not null)
        {
            lines.Add($"the first NaN/Inf in the backward pass is the gradient reaching the output of {Layer(spec, int.Parse(backward.Name, CultureInfo.InvariantCulture))}{twinToo}");
            return true;
        }
        var parameter = parity.Parameters.FirstOrDefault(d => d.HasNonFinite);
        if (parameter is not null)
        {
            lines.Add($"the first NaN/Inf is in the gradient of {parameter.Name} at {parameter.WorstIndex}, though the gradient reaching its layer is finite");
            return true;
        }
        return false;
    }

    static void Forward(ParitySpec spec, Batch batch, GradientParityResult parity, List<string> lines)
    {
        var first = parity.LayerOutputs.FirstOrDefault(d => !d.Passed);
        if (first is not null)
        {
            lines.Add($"outputs part at {Layer(spec, int.Parse(first.Name, CultureInfo.InvariantCulture))}: its forward differs (max rel err {F(first.MaxRelErr)} at {first.WorstIndex}), and everything after it follows");
            return;
        }
        if (!parity.Loss.Passed)
            lines.Add($"the model's outputs agree but the loss does not: engine {F(parity.Engine.Loss)} vs libtorch {F(parity.Twin.Loss)}"
                + Meaning(spec, batch, parity.Engine.Loss / parity.Twin.Loss) + $"; check the {Keyword(spec.Loss)} forward");
    }

    static void Backward(ParitySpec spec, Batch batch, GradientParityResult parity, List<string> lines)
    {
        var tensors = parity.Parameters.Append(parity.Input).ToList();
        if (tensors.All(d => d.Passed) && parity.LayerOutputGradients.All(d => d.Passed))
            return;
        var engine = parity.Engine.Parameters.Append(parity.Engine.Input).ToList();
        var twin = parity.Twin.Parameters.Append(parity.Twin.Input).ToList();

        if (RatioFit.Common(engine.Zip(twin, (e, t) => (e.Data, t.Data))) is { } ratio && !RatioFit.Near(ratio, 1))
            lines.Add($"every gradient is {F(ratio)}× libtorch's{Meaning(spec, batch, ratio)}");

        foreach (var (difference, e, t) in parity.Parameters.Zip(parity.Engine.Parameters, parity.Twin.Parameters))
            if (!difference.Passed && e.Shape.Length == 2 && IsTransposed(e, t))
                lines.Add($"the gradient of {e.Name} is libtorch's transposed: for y = x·Wᵀ the weight gradient is dYᵀ·X, shaped [out, in] like W");

        var biases = parity.Parameters.Where(d => !d.Passed).ToList();
        if (biases.Count > 0 && biases.All(d => d.Name.EndsWith(".bias", StringComparison.Ordinal)) && parity.Input.Passed)
        {
            var pairs = parity.Engine.Parameters.Zip(parity.Twin.Parameters).Where(p => p.First.Name.EndsWith(".bias", StringComparison.Ordinal));
            var biasRatio = RatioFit.Common(pairs.Select(p => (p.First.Data, p.Second.Data)));
            lines.Add($"only the bias gradients are wrong ({string.Join(", ", biases.Select(b => b.Name))}); the bias gradient is the sum of dL/dy over the batch's rows"
                + (biasRatio is { } r ? $" — the engine's is {F(r)}× that{Meaning(spec, batch, r)}" : ""));
        }

        Localize(spec, parity, lines);
    }

    /// <summary>Walks from the loss toward the input and names the first layer whose backward turns an agreeing gradient into a differing one.</summary>
    static void Localize(ParitySpec spec, GradientParityResult parity, List<string> lines)
    {
        var gradients = parity.LayerOutputGradients;
        if (!gradients[^1].Passed)
        {
            lines.Add($"the gradient leaving the loss (dL/d output) already differs (max rel err {F(gradients[^1].MaxRelErr)}): the {Keyword(spec.Loss)} backward is wrong");
            return;
        }
        for (var i = gradients.Count - 1; i >= 0; i--)
        {
            var layer = spec.Model[i];
            if (layer is LinearLayer linear)
            {
                var own = parity.Parameters.Where(d => d.Name.StartsWith($"{linear.Index}.", StringComparison.Ordinal) && !d.Passed).ToList();
                if (own.Count > 0)
                {
                    lines.Add($"gradients part at {Layer(spec, i)}: the gradient reaching it agrees, but its {string.Join(" and ", own.Select(d => d.Name))} gradient does not");
                    return;
                }
            }
            var passedBack = i > 0 ? gradients[i - 1] : parity.Input;
            if (!passedBack.Passed)
            {
                lines.Add($"gradients part at {Layer(spec, i)}: the gradient reaching its output agrees, the gradient it passes back does not (max rel err {F(passedBack.MaxRelErr)}) — its backward is wrong");
                return;
            }
        }
    }

    static void Update(ParitySpec spec, UpdateParityResult updates, UpdateStep failure, List<string> lines)
    {
        var first = failure.Differences.First(d => !d.Passed);
        lines.Add($"gradients agree, but the parameters part after update {failure.Step} of {UpdateParity.StepCount} (first at {first.Name}, max rel err {F(first.MaxRelErr)})"
            + (failure.Step > 1 ? ": the earlier updates agreed, so the optimizer's state across steps differs" : ""));
        if (UpdateHypotheses.Explain(spec, updates.Steps) is { } explanation)
            lines.Add(explanation);
        else if (RatioFit.Common(failure.EngineAfter.Zip(failure.TwinAfter, failure.Before).Select(p =>
                     (p.First.Data.Zip(p.Third.Data, (a, b) => a - b).ToArray(), p.Second.Data.Zip(p.Third.Data, (a, b) => a - b).ToArray()))) is { } r)
            lines.Add($"the engine's update is {F(r)}× libtorch's: check the learning rate and its schedule");
    }

    static bool IsTransposed(HostTensor engine, HostTensor twin)
    {
        var (rows, cols) = (twin.Shape[0], twin.Shape[1]);
        var scale = twin.Data.Select(Math.Abs).DefaultIfEmpty(0).Max();
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                if (Math.Abs(engine.Data[c * rows + r] - twin.Data[r * cols + c]) > 1e-6 * Math.Max(scale, 1e-300))
                    return false;
        return true;
    }

    /// <summary>What a ratio between the engine and libtorch usually means, given the batch's sizes.</summary>
    static string Meaning(ParitySpec spec, Batch batch, double ratio)
    {
        var rows = batch.Rows;
        var elements = batch.Rows * spec.OutputWidth;
        var mean = spec.Loss.Reduction == Reduction.Mean;
        var candidates = new (double Value, string Text)[]
        {
            (-1, "a sign flip: the gradient is negated somewhere (e.g. y − p instead of p − y)"),
            (rows, mean ? $"the batch size {rows}: a sum where the spec says mean" : $"the batch size {rows}"),
            (1.0 / rows, mean ? $"1/{rows}, the batch size: divided by the batch once too often" : $"1/{rows}: a mean where the spec says sum"),
            (elements, $"{elements} = rows × outputs: a sum where the spec says mean"),
            (1.0 / elements, $"1/{elements} = 1/(rows × outputs): a mean where the spec says sum"),
            (2, "2: the factor 2 of d(p − y)²/dp counted twice, or a ½ missing"),
            (0.5, "½: the factor 2 of d(p − y)²/dp missing"),
        };
        var match = candidates.FirstOrDefault(c => RatioFit.Near(ratio, c.Value));
        return match.Text is null ? "" : $" — {match.Text}";
    }

    static string Layer(ParitySpec spec, int index)
    {
        var fromOutput = spec.Model.Count - index;
        var kind = spec.Model[index] switch
        {
            LinearLayer => "linear",
            ActivationLayer a => a.Kind switch
            {
                ActivationKind.LeakyRelu => "leaky-relu",
                var k => k.ToString().ToLowerInvariant(),
            },
            _ => "layer",
        };
        return $"layer {index} ({kind}, {Ordinal(fromOutput)} from the output)";
    }

    static string Ordinal(int n) => n switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => $"{n}th" };

    static string Keyword(LossSpec loss) => $"{loss.Kind switch
    {
        LossKind.Mse => "mse",
        LossKind.Bce => "bce",
        LossKind.BceWithLogits => "bce-with-logits",
        _ => "cross-entropy",
    }} ({loss.Reduction.ToString().ToLowerInvariant()}) loss";

    static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
