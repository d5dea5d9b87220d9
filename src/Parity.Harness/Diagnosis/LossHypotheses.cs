using Parity.Spec;

namespace Parity.Harness.Diagnosis;

/// <summary>
/// Explains a loss whose gradient (dL/d output) parts from TorchSharp's by the usual mistakes in it,
/// as the loss's catalogue entry lists them: each a rule dL/dp = scale·f(p − y), evaluated on
/// TorchSharp's outputs and the batch's targets; the one that reproduces the engine's gradient is
/// named. Diagnosis only: no engine uses these rules.
/// </summary>
static class LossHypotheses
{
    /// <summary>The candidate mistake that gives the engine's gradient <paramref name="engineGradient"/>, or null (also for a loss on class indices).</summary>
    public static string? Explain(ParitySpec spec, Batch batch, double[] outputs, double[] engineGradient, Tolerance tolerance)
    {
        if (batch.Targets is not { } targets || targets.Length != outputs.Length)
            return null;
        var scale = spec.Loss.Reduction == Reduction.Mean ? 1.0 / outputs.Length : 1;
        return spec.Loss.Op.Mistakes(spec.Loss.Settings).FirstOrDefault(c => engineGradient.Select((e, i) => (e, i)).All(p =>
        {
            var predicted = scale * c.Derivative(outputs[p.i] - targets[p.i]);
            return tolerance.Close(p.e, predicted);
        }))?.Explanation;
    }
}
