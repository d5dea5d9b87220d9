using Parity.Harness.Checks;
using Parity.Harness.Comparison;
using Parity.Spec;
using static Parity.Harness.Diagnosis.Wording;

namespace Parity.Harness.Diagnosis;

/// <summary>
/// Turns the comparisons of a check into sentences: where the engine first parts from TorchSharp
/// (forward, loss, backward, update), what the difference looks like (a constant ratio, a sign, a
/// transpose, only the biases, the first NaN), and what that usually means.
/// </summary>
public static class GradientDiagnosis
{
    /// <summary>How re-sync's one sentence starts, whatever it says.</summary>
    public const string ResyncSentence = "re-sync";

    public static IReadOnlyList<string> Explain(ParitySpec spec, Batch batch, GradientParityResult parity, LayerResyncResult resync, UpdateParityResult updates,
        GradcheckResult engineCheck, GradcheckResult twinCheck)
    {
        var lines = new List<string>();
        if (FirstNonFinite.Explain(spec, batch, parity) is { } nonFinite)
            lines.Add(nonFinite);
        else
        {
            Forward(spec, batch, parity, lines);
            if (parity.LayerOutputs.All(d => d.Passed))
            {
                Backward(spec, batch, parity, lines);
                Buffers(spec, batch, parity, lines);
            }
            if (parity.Passed && updates.FirstFailure is { } failure)
                Update(spec, updates, failure, lines);
        }
        if (!parity.Passed)
            lines.Add(Resync(spec, resync));
        lines.AddRange(NotLinear(spec, engineCheck));
        if (!engineCheck.Passed && engineCheck.Failures.FirstOrDefault() is { } miss)
            lines.Add($"finite differences disagree with the engine's gradient at {miss.Where}: numerical {Number(miss.Numerical)} vs analytical {Number(miss.Analytical)} "
                + $"({engineCheck.Failures.Count} shown){(twinCheck.Passed ? "; TorchSharp passes the same check" : "")}");
        if (engineCheck.FullMode is { } full)
            lines.Add($"finite differences in fast mode failed; {full.Describe()}");
        if (engineCheck.Nondeterminism > 0)
            lines.Add($"the engine's backward is nondeterministic: two backwards on the same input and parameters differ by up to {Number(engineCheck.Nondeterminism)} "
                + "(a parallel sum in varying order, or state left over from the call before)");
        if (!twinCheck.Passed && twinCheck.Failures.FirstOrDefault() is { } control)
            lines.Add($"the TorchSharp control fails gradcheck too, at {control.Where} (numerical {Number(control.Numerical)} vs analytical {Number(control.Analytical)}): "
                + (SharedFailures.Of(spec, engineCheck, twinCheck)
                    ? (SharedFailures.WithinRounding(control) && engineCheck.Failures.All(SharedFailures.WithinRounding)
                        ? $"in both, every failing numerical derivative is within the loss's own rounding over 2·eps (one rounding unit is {Number(control.Resolution)} here), "
                            + "which outweighs the gradient there"
                        : "both fail at the same points with the same numerical derivatives, where the loss is not smooth enough for eps")
                        + ", so finite differences cannot judge the engine here: inconclusive, not counted against it (gradient parity judges it)"
                    : "the loss is not smooth enough here for eps; try other tolerance.gradcheck settings"));
        return lines;
    }

    /// <summary>Which layers have an own error when fed TorchSharp's input and upstream gradient, or TorchSharp's eval-mode input — the only ones blamed — and which only inherit one.</summary>
    static string Resync(ParitySpec spec, LayerResyncResult resync)
    {
        if (!resync.Available)
            return $"{ResyncSentence} was not available: {resync.Unavailable}";
        var inheriting = resync.Layers.Where(l => l.Verdict == "inherited").Select(l => Layer(spec, l.Layer)).ToList();
        var inherit = inheriting.Count == 0 ? "" : $"; {string.Join(", ", inheriting)} only inherit{(inheriting.Count == 1 ? "s" : "")} the difference";
        var blamed = resync.Blamed;
        if (blamed.Count == 0)
            return $"{ResyncSentence}: every layer agrees with TorchSharp's when fed TorchSharp's input and upstream gradient, in training and in evaluation, so no layer has an own error; "
                + $"the difference comes from outside the layers (the {Loss(spec.Loss)}){inherit}";
        var own = blamed.Select(i => resync.Layers[i])
            .Select(l => $"{Layer(spec, l.Layer)} (its {l.WorstOwn!.Name}, max abs err {Number(l.WorstOwn.MaxAbsErr)})");
        // A residual block runs its layers: when one of them has the error, the block shows it too without being its cause.
        var carrying = resync.Layers.Where(l => !l.OwnPassed && !blamed.Contains(l.Layer)).Select(l => Layer(spec, l.Layer)).ToList();
        var carry = carrying.Count == 0 ? "" : $"; {string.Join(", ", carrying)} differ{(carrying.Count == 1 ? "s" : "")} only through {(carrying.Count == 1 ? "its" : "their")} layers";
        return $"{ResyncSentence}: fed TorchSharp's input and upstream gradient, the own error is at {string.Join(" and ", own)}{carry}{inherit}";
    }

    /// <summary>The engine's layers whose backward is not linear in the upstream gradient, one line per layer.</summary>
    static IEnumerable<string> NotLinear(ParitySpec spec, GradcheckResult engineCheck) =>
        (engineCheck.Linearity?.Failures ?? []).GroupBy(f => f.Layer).Select(layer => layer.OrderByDescending(f => f.Zero).First()).Select(f =>
            $"the engine's backward at {Layer(spec, f.Layer)} is not linear in the upstream gradient: "
            + (f.Zero
                ? $"with a zero upstream gradient its {Gradient(f.Tensor)} is still up to {Number(f.Size)} — a term added whatever dL/d(output) is; weight decay or a regulariser belongs to the optimizer or the loss, not to backward"
                : $"twice the upstream gradient gives a {Gradient(f.Tensor)} off twice the first by up to {Number(f.Size)}"));

    static string Gradient(string tensor) => tensor == "input" ? "dL/d(input)" : $"{tensor} gradient";

    static void Forward(ParitySpec spec, Batch batch, GradientParityResult parity, List<string> lines)
    {
        var first = parity.LayerOutputs.FirstOrDefault(d => !d.Passed);
        if (first is not null)
        {
            var index = LayerIndex(spec, first.Name);
            var mistake = spec.Model[index] is OpLayer op
                ? ActivationHypotheses.ExplainForward(op, LayerShapes.Of(spec)[index].In, batch.Rows, InputOf(spec, batch, parity, index),
                    parity.TwinOutputs[index].Data, parity.EngineOutputs[index].Data, Tolerances.Gradient(spec))
                    ?? op.Op.ExplainOutput(Evidence(spec, batch, parity, op, parity.Twin.Input.Data, parity.Twin.Input.Data), parity.EngineOutputs[index].Data)
                : null;
            lines.Add($"outputs part at {Layer(spec, index)}: its forward differs (max rel err {Number(first.MaxRelErr)} at {first.WorstIndex}), and everything after it follows"
                + (mistake is null ? "" : $": {mistake}"));
            return;
        }
        if (!parity.Loss.Passed)
            lines.Add($"the model's outputs agree but the loss does not: engine {Number(parity.Engine.Loss)} vs TorchSharp {Number(parity.Twin.Loss)}"
                + Meaning(spec, batch, parity.Engine.Loss / parity.Twin.Loss, lossAgrees: false) + $"; check the {Loss(spec.Loss)} forward");
    }

    /// <summary>
    /// The buffers the training forward moved (batch norm's running statistics), by the first that parts
    /// and the usual mistake its op lists; when they agree, the evaluation outputs, which run on them.
    /// </summary>
    static void Buffers(ParitySpec spec, Batch batch, GradientParityResult parity, List<string> lines)
    {
        if (parity.Buffers.FirstOrDefault(b => !b.Difference.Passed) is { Difference: { } buffer } parting)
        {
            var index = LayerIndex(spec, buffer.Name);
            var mistake = spec.Model[index] is OpLayer op
                ? ActivationHypotheses.ExplainBuffer(op, LayerShapes.Of(spec)[index].In, batch.Rows, buffer.Name[(buffer.Name.IndexOf('.') + 1)..],
                    InputOf(spec, batch, parity, index), parting.Twin.Data, parting.Engine.Data, Tolerances.Gradient(spec))
                : null;
            lines.Add($"the buffer {buffer.Name} of {Layer(spec, index)} parts from TorchSharp's after the training forward (max rel err {Number(buffer.MaxRelErr)}), though its output agrees"
                + (mistake is null ? "" : $": {mistake}"));
            return;
        }
        if (parity.Evaluation is not { Difference.Passed: false } evaluation)
            return;
        // An evaluation that computes as the training forward did gives TorchSharp's training output.
        var asTraining = TensorComparison.Compare(evaluation.Engine, parity.TwinOutputs[^1] with { Name = "evaluation", Shape = evaluation.Engine.Shape }, Tolerances.Gradient(spec), spec.DType).Passed;
        lines.Add($"the training step agrees, but the evaluation outputs part (max rel err {Number(evaluation.Difference.MaxRelErr)})"
            + (asTraining
                ? ": the engine's evaluation output is TorchSharp's training forward — evaluation still computes as in training; in eval mode batch norm normalises by running_mean and running_var, and dropout passes its input through"
                : ": check the layers whose evaluation differs from training (batch norm's running statistics, dropout)"));
    }

    static void Backward(ParitySpec spec, Batch batch, GradientParityResult parity, List<string> lines)
    {
        var tensors = parity.Parameters.Append(parity.Input).ToList();
        if (tensors.All(d => d.Passed) && parity.LayerOutputGradients.All(d => d.Passed))
            return;
        var engine = parity.Engine.Parameters.Append(parity.Engine.Input).ToList();
        var twin = parity.Twin.Parameters.Append(parity.Twin.Input).ToList();

        if (RatioFit.Common(engine.Zip(twin, (e, t) => (e.Data, t.Data))) is { } ratio && !RatioFit.Near(ratio, 1))
            lines.Add($"every gradient is {Number(ratio)}× TorchSharp's{Meaning(spec, batch, ratio, parity.Loss.Passed)}");

        foreach (var (difference, e, t) in parity.Parameters.Zip(parity.Engine.Parameters, parity.Twin.Parameters))
            if (!difference.Passed && e.Shape.Length == 2 && IsTransposed(e, t))
                lines.Add($"the gradient of {e.Name} is TorchSharp's transposed: for y = x·Wᵀ the weight gradient is dYᵀ·X, shaped [out, in] like W");

        var biases = parity.Parameters.Where(d => !d.Passed).ToList();
        if (biases.Count > 0 && biases.All(d => d.Name.EndsWith(".bias", StringComparison.Ordinal)) && parity.Input.Passed)
            lines.Add($"only the bias gradients are wrong ({string.Join(", ", biases.Select(b => b.Name))}); the bias gradient is the sum of dL/dy over the batch's rows"
                + BiasShape(spec, batch, parity, biases.Select(b => b.Name).ToHashSet()));

        Localize(spec, batch, parity, lines);
    }

    /// <summary>How the wrong bias gradients relate to the right ones: a common ratio, or one row of dL/dy standing for the sum.</summary>
    static string BiasShape(ParitySpec spec, Batch batch, GradientParityResult parity, HashSet<string> wrong)
    {
        var pairs = parity.Engine.Parameters.Zip(parity.Twin.Parameters).Where(p => wrong.Contains(p.First.Name)).ToList();
        if (RatioFit.Common(pairs.Select(p => (p.First.Data, p.Second.Data))) is { } r && !RatioFit.Near(r, 1))
            return $" — the engine's is {Number(r)}× that{Meaning(spec, batch, r, parity.Loss.Passed)}";
        var tolerance = Tolerances.Gradient(spec);
        var rows = pairs.Select(p => SingleRow(p.First.Data, parity.Twin.LayerOutputs[LayerIndex(spec, p.First.Name)], tolerance)).Distinct().ToList();
        return rows is [{ } row] ? $" — the engine's is row {row}'s dL/dy alone: the sum over the rows is missing" : "";
    }

    /// <summary>The row of <paramref name="gradOutput"/> [rows, out] equal to <paramref name="bias"/>, or null.</summary>
    static int? SingleRow(double[] bias, HostTensor gradOutput, Tolerance tolerance)
    {
        for (var row = 0; row < gradOutput.Shape[0]; row++)
            if (bias.Select((b, j) => tolerance.Close(gradOutput.Data[row * bias.Length + j], b)).All(ok => ok))
                return row;
        return null;
    }

    /// <summary>Walks from the loss toward the input and names the first layer whose backward turns an agreeing gradient into a differing one.</summary>
    static void Localize(ParitySpec spec, Batch batch, GradientParityResult parity, List<string> lines)
    {
        var gradients = parity.LayerOutputGradients;
        if (!gradients[^1].Passed)
        {
            var mistake = LossHypotheses.Explain(spec, batch, parity.TwinOutputs[^1].Data, parity.Engine.LayerOutputs[^1].Data, Tolerances.Gradient(spec));
            lines.Add($"the gradient leaving the loss (dL/d output) already differs (max rel err {Number(gradients[^1].MaxRelErr)}): the {Loss(spec.Loss)} backward is wrong"
                + (mistake is null ? "" : $": {mistake}"));
            return;
        }
        for (var i = gradients.Count - 1; i >= 0; i--)
        {
            var feeding = LayerShapes.Feeding(spec, i);
            var (passedBack, engine, twin) = feeding >= 0
                ? (gradients[feeding], OwnInputGradient(spec, parity.Engine, i), OwnInputGradient(spec, parity.Twin, i))
                : (parity.Input, parity.Engine.Input.Data, parity.Twin.Input.Data);
            if (spec.Model[i] is ResidualLayer)
            {
                // Its layers' own errors come next in the walk; only a difference the skip explains is the block's own.
                if (!passedBack.Passed && SequenceMistakes.Residual(engine, twin, parity.Twin.LayerOutputs[i].Data, Tolerances.Gradient(spec)) is { } skip)
                {
                    lines.Add($"gradients part at {Layer(spec, i)}: the gradient reaching its output agrees, the gradient it passes back does not (max rel err {Number(passedBack.MaxRelErr)}) — its backward is wrong: {skip}");
                    return;
                }
                continue;
            }
            var own = parity.Parameters.Where(d => LayerIndex(spec, d.Name) == i && !d.Passed).ToList();
            if (own.Count > 0)
            {
                var explained = spec.Model[i] is OpLayer owner ? owner.Op.Explain(Evidence(spec, batch, parity, owner, engine, twin)) : null;
                lines.Add($"gradients part at {Layer(spec, i)}: the gradient reaching it agrees, but its {string.Join(" and ", own.Select(d => d.Name))} gradient{(own.Count == 1 ? " does" : "s do")} not"
                    + (explained is null ? "" : $": {explained}"));
                return;
            }
            if (StartsBlock(spec, i) ? Agree(spec, engine, twin) : passedBack.Passed)
                continue;
            var ratio = RatioFit.Of(engine, twin) is { } r && !RatioFit.Near(r, 1) ? $", {Number(r)}× TorchSharp's{Meaning(spec, batch, r, parity.Loss.Passed)}" : "";
            var mistake = spec.Model[i] is OpLayer op
                ? ActivationHypotheses.Explain(op, InputOf(spec, batch, parity, i), parity.TwinOutputs[i].Data,
                    parity.Twin.LayerOutputs[i].Data, engine, Tolerances.Gradient(spec)) ?? op.Op.Explain(Evidence(spec, batch, parity, op, engine, twin))
                : null;
            lines.Add($"gradients part at {Layer(spec, i)}: the gradient reaching its output agrees, the gradient it passes back does not (max rel err {Number(passedBack.MaxRelErr)}{ratio}) — its backward is wrong"
                + (mistake is null ? "" : $": {mistake}"));
            return;
        }
    }

    /// <summary>What an op's own test of its mistakes looks at: the layer's shapes, TorchSharp's input to it, the gradients around it.</summary>
    static LayerEvidence Evidence(ParitySpec spec, Batch batch, GradientParityResult parity, OpLayer layer, double[] engineGradInput, double[] twinGradInput)
    {
        var i = layer.Index;
        var (input, output) = LayerShapes.Of(spec)[i];
        var parameters = parity.Engine.Parameters.Zip(parity.Twin.Parameters).Where(p => LayerIndex(spec, p.First.Name) == i).ToList();
        return new LayerEvidence(layer.Settings, input, output, InputOf(spec, batch, parity, i), parity.Twin.LayerOutputs[i].Data,
            engineGradInput, twinGradInput, parameters, Tolerances.Gradient(spec))
        {
            Values = [.. parity.Values.Where(v => LayerIndex(spec, v.Name) == i)],
        };
    }

    /// <summary>TorchSharp's input to layer <paramref name="i"/>: the output of the entry feeding it, or the batch's.</summary>
    static double[] InputOf(ParitySpec spec, Batch batch, GradientParityResult parity, int i) =>
        LayerShapes.Feeding(spec, i) is var feeding and >= 0 ? parity.TwinOutputs[feeding].Data : batch.X;

    /// <summary>Whether layer <paramref name="i"/> is the first of a residual block's layers, whose input also feeds the skip.</summary>
    static bool StartsBlock(ParitySpec spec, int i) => spec.Model.Any(l => l is ResidualLayer r && r.Index - r.Span == i);

    /// <summary>
    /// The gradient layer <paramref name="i"/> itself passes back (i > 0): the one at its input, less what each residual
    /// block starting at it adds there through its skip (the gradient at the block's output).
    /// </summary>
    static double[] OwnInputGradient(ParitySpec spec, Gradients gradients, int i)
    {
        var own = (double[])gradients.LayerOutputs[LayerShapes.Feeding(spec, i)].Data.Clone();
        foreach (var block in spec.Model.OfType<ResidualLayer>().Where(r => r.Index - r.Span == i))
            for (var k = 0; k < own.Length; k++)
                own[k] -= gradients.LayerOutputs[block.Index].Data[k];
        return own;
    }

    static bool Agree(ParitySpec spec, double[] engine, double[] twin)
    {
        var tolerance = Tolerances.Gradient(spec);
        var scale = TensorComparison.LargestFinite(twin);
        return engine.Select((v, k) => Math.Abs(v - twin[k]) <= tolerance.Atol + tolerance.Rtol * scale).All(ok => ok);
    }

    static void Update(ParitySpec spec, UpdateParityResult updates, UpdateStep failure, List<string> lines)
    {
        // Past a NaN/Inf, every optimizer hypothesis fits as badly as any other.
        if (FirstNonFinite.InUpdates(updates) is { } blowUp)
        {
            lines.Add(blowUp);
            return;
        }
        if (failure.Differences.FirstOrDefault(d => !d.Passed) is { } first)
            lines.Add($"gradients agree, but the parameters part after update {failure.Step} of {UpdateParity.StepCount} (first at {first.Name}, max rel err {Number(first.MaxRelErr)})"
                + (failure.Step > 1 ? ": the earlier updates agreed, so the optimizer's state across steps differs" : ""));
        // The state that parts first says which buffer of the update is wrong, before its effect on the parameters shows.
        if (updates.Steps.SelectMany(s => s.StateDifferences.Where(d => !d.Passed).Select(d => (s.Step, Difference: d))).FirstOrDefault() is { Difference: { } state } parting)
            lines.Add($"the optimizer state {state.Name} parts from TorchSharp's at step {parting.Step} (max rel err {Number(state.MaxRelErr)})");
        // The part that differs is read from the state; the catalogue's mistakes, when one reproduces the engine, confirm it.
        if (StateDiagnosis.Explain(spec, updates.Forced ?? []) is { } part)
            lines.Add(part);
        if (updates.Steps.SelectMany(s => s.BufferDifferences.Where(d => !d.Passed).Select(d => (s.Step, Difference: d))).FirstOrDefault() is { Difference: { } buffer } moved)
            lines.Add($"the buffer {buffer.Name} parts from TorchSharp's at step {moved.Step} (max rel err {Number(buffer.MaxRelErr)})");
        if (UpdateHypotheses.Explain(spec, updates.Steps) is { } explanation)
            lines.Add(explanation);
        else if (UpdateHypotheses.LearningRateScale(spec, updates.Steps, failure) is { } r)
            lines.Add($"the engine's update is {Number(r)}× TorchSharp's in every element at every step, as PyTorch's would be with lr × {Number(r)}: check the learning rate and its schedule");
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
}
