using Parity.Harness.Checks;
using Parity.Spec;
using static Parity.Harness.Diagnosis.Wording;

namespace Parity.Harness.Diagnosis;

/// <summary>
/// The first NaN or infinity, in the order the computation makes them — forward, loss, then backward
/// from the output — and the step that made it from finite inputs.
/// </summary>
static class FirstNonFinite
{
    const double Float64ExpLimit = 709.78, Float32ExpLimit = 88.72;   // ln of the largest finite value

    public static string? Explain(ParitySpec spec, Batch batch, GradientParityResult parity)
    {
        if (parity.LayerOutputs.FirstOrDefault(d => d.HasNonFinite) is { } forward)
            return $"the first NaN/Inf appears in the output of {Layer(spec, LayerIndex(spec, forward.Name))} at {forward.WorstIndex}, from a finite input: its forward makes it"
                + Control(forward.Value, forward.Reference);

        if (!double.IsFinite(parity.Engine.Loss))
            return $"the first NaN/Inf is the loss ({Number(parity.Engine.Loss)}), from finite model outputs{Control(parity.Engine.Loss, parity.Twin.Loss)}: "
                + LossCause(spec, batch, parity.TwinOutputs[^1]);

        for (var i = spec.Model.Count - 1; i >= -1; i--)
        {
            var gradient = i >= 0 ? parity.LayerOutputGradients[i] : parity.Input;
            if (!gradient.HasNonFinite)
                continue;
            var which = i >= 0 ? $"the gradient reaching the output of {Layer(spec, i)}" : "the gradient of the input";
            var maker = i == spec.Model.Count - 1 ? $"the {Loss(spec.Loss)} backward" : $"the backward of {Layer(spec, i + 1)}";
            return $"the first NaN/Inf in the backward pass is {which} at {gradient.WorstIndex}, made by {maker} from a finite gradient{Control(gradient.Value, gradient.Reference)}";
        }

        if (parity.Parameters.FirstOrDefault(d => d.HasNonFinite) is { } parameter)
            return $"the first NaN/Inf is in the gradient of {parameter.Name} at {parameter.WorstIndex}, though the gradient reaching {Layer(spec, LayerIndex(spec, parameter.Name))} is finite";
        return null;
    }

    /// <summary>
    /// The first update after which a parameter is NaN/Inf though the first batch's gradients were finite:
    /// in both engines the spec's training blows up; in one only, that engine's update differs.
    /// </summary>
    public static string? InUpdates(UpdateParityResult updates)
    {
        foreach (var step in updates.Steps)
        {
            var engine = step.EngineAfter.FirstOrDefault(t => t.Data.Any(v => !double.IsFinite(v)));
            var twin = step.TwinAfter.FirstOrDefault(t => t.Data.Any(v => !double.IsFinite(v)));
            if (engine is null && twin is null)
                continue;
            var where = $"the parameters become NaN/Inf after update {step.Step} of {UpdateParity.StepCount}, first in {(engine ?? twin)!.Name}";
            return (engine, twin) switch
            {
                ({ }, { }) => $"{where}, in both engines (TorchSharp's too): the spec's training itself blows up; lower the learning rate, or clip the gradients",
                ({ }, null) => $"{where}, in the engine only; TorchSharp's stay finite: the engine's update overflows where TorchSharp's does not",
                _ => $"{where}, in TorchSharp only; the engine's stay finite: the engine's update is not TorchSharp's",
            };
        }
        return null;
    }

    /// <summary>What TorchSharp's value at the same place says: a NaN in the twin too is the spec's, not the engine's.</summary>
    static string Control(double engine, double twin) => (double.IsFinite(engine), double.IsFinite(twin)) switch
    {
        (_, true) => "; TorchSharp's stays finite",
        (false, false) => " (TorchSharp's too: the spec itself blows up here)",
        (true, false) => " — in TorchSharp's only: the spec itself blows up here",
    };

    /// <summary>Which output made the loss overflow or take log 0, and what PyTorch does there instead.</summary>
    static string LossCause(ParitySpec spec, Batch batch, HostTensor outputs)
    {
        var width = outputs.Shape[1];
        string At(int i) => $"[{i / width}, {i % width}]";
        switch (spec.Loss.Kind)
        {
            case LossKind.Bce:
                var saturated = Array.FindIndex(outputs.Data, p => p is 0 or 1);
                return (saturated < 0 ? "" : $"output {At(saturated)} is exactly {outputs.Data[saturated]} (saturated in {Dtype(spec)}) with target {Number(batch.Targets![saturated])}: "
                    + $"log({(outputs.Data[saturated] == 1 ? "1 − p" : "p")}) = log 0 = −∞, and 0·(−∞) = NaN where the target zeroes its factor — ") + "PyTorch clamps each log of BCE at −100";
            case LossKind.CrossEntropy:
                return $"the largest logit is {Overflowing(outputs.Data, x => x, At)} — the log-sum-exp must be shifted by the row maximum m: log Σ e^x = m + log Σ e^(x − m)";
            case LossKind.BceWithLogits:
                return $"the largest |logit| is {Overflowing(outputs.Data, Math.Abs, At)} — use the stable form max(x, 0) − x·y + log(1 + e^(−|x|))";
            default:
                return "check the loss forward for overflow";
        }
    }

    /// <summary>The logit largest by <paramref name="size"/>, where it is, and which dtype's e^x it overflows.</summary>
    static string Overflowing(double[] logits, Func<double, double> size, Func<int, string> at)
    {
        var largest = Array.IndexOf(logits, logits.MaxBy(size));
        var value = size(logits[largest]);
        var limit = value > Float64ExpLimit ? $", past {Float64ExpLimit} where e^x overflows float64"
            : value > Float32ExpLimit ? $", past {Float32ExpLimit} where e^x overflows float32" : "";
        return $"{Number(logits[largest])} at {at(largest)}{limit}";
    }

    static string Dtype(ParitySpec spec) => spec.DType == DType.Float32 ? "float32" : "float64";
}
