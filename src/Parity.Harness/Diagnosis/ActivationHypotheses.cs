using Parity.Spec;

namespace Parity.Harness.Diagnosis;

/// <summary>
/// Explains an activation whose backward parts from TorchSharp's by the usual mistakes in its local
/// derivative, as the op's catalogue entry lists them. Each candidate is a rule dx = g·f(x, y), evaluated on TorchSharp's input x and output y
/// and on the gradient g reaching the output (which agrees); the one that reproduces the engine's dx
/// is named; likewise an op whose forward parts, by the usual mistakes in its forward. Diagnosis only: no engine uses these rules.
/// </summary>
static class ActivationHypotheses
{
    /// <summary>The candidate mistake that gives the engine's gradient <paramref name="engineGradInput"/>, or null.</summary>
    public static string? Explain(OpLayer layer, double[] x, double[] y, double[] gradOutput, double[] engineGradInput, Tolerance tolerance) =>
        layer.Op.Mistakes(layer.Settings).FirstOrDefault(c => engineGradInput.Select((e, i) => (e, i)).All(p =>
        {
            var predicted = gradOutput[p.i] * c.Derivative(x[p.i], y[p.i]);
            return Math.Abs(p.e - predicted) <= tolerance.Atol + tolerance.Rtol * Math.Abs(predicted);
        }))?.Explanation;

    /// <summary>The candidate forward mistake (rule y = f(x, y)) that gives the engine's output <paramref name="engineOutput"/>, or null.</summary>
    public static string? ExplainForward(OpLayer layer, double[] x, double[] y, double[] engineOutput, Tolerance tolerance) =>
        layer.Op.ForwardMistakes(layer.Settings).FirstOrDefault(c => x.Length == y.Length && engineOutput.Select((e, i) => (e, i)).All(p =>
        {
            var predicted = c.Derivative(x[p.i], y[p.i]);
            return Math.Abs(p.e - predicted) <= tolerance.Atol + tolerance.Rtol * Math.Abs(predicted);
        }))?.Explanation;
}
