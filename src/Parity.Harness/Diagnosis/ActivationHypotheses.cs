using Parity.Spec;

namespace Parity.Harness.Diagnosis;

/// <summary>
/// Explains an activation whose backward parts from TorchSharp's by the usual mistakes in its local
/// derivative, as the op's catalogue entry lists them. Each candidate is a rule dx = g·f(x, y), evaluated on TorchSharp's input x and output y
/// and on the gradient g reaching the output (which agrees); the one that reproduces the engine's dx
/// is named; likewise an op whose forward or whose buffers part, by the usual mistakes the entry lists
/// for them. Diagnosis only: no engine uses these rules.
/// </summary>
static class ActivationHypotheses
{
    /// <summary>The candidate mistake that gives the engine's gradient <paramref name="engineGradInput"/>, or null.</summary>
    public static string? Explain(OpLayer layer, double[] x, double[] y, double[] gradOutput, double[] engineGradInput, Tolerance tolerance) =>
        layer.Op.Mistakes(layer.Settings).FirstOrDefault(c => engineGradInput.Select((e, i) => (e, i)).All(p =>
        {
            var predicted = gradOutput[p.i] * c.Derivative(x[p.i], y[p.i]);
            return tolerance.Close(p.e, predicted);
        }))?.Explanation;

    /// <summary>The candidate forward mistake that gives the engine's output <paramref name="engineOutput"/> from TorchSharp's input x and output y, or null.</summary>
    public static string? ExplainForward(OpLayer layer, int[] inputShape, int rows, double[] x, double[] y, double[] engineOutput, Tolerance tolerance) =>
        layer.Op.ForwardMistakes(layer.Settings, inputShape).FirstOrDefault(c => Matches(c.Output(x, y, rows), engineOutput, tolerance))?.Explanation;

    /// <summary>The candidate buffer mistake that gives the engine's buffer <paramref name="engineAfter"/> (named <paramref name="buffer"/> in the layer), or null.</summary>
    public static string? ExplainBuffer(OpLayer layer, int[] inputShape, int rows, string buffer, double[] x, double[] twinAfter, double[] engineAfter, Tolerance tolerance) =>
        layer.Op.BufferMistakes(layer.Settings, inputShape).FirstOrDefault(c => c.Buffer == buffer && Matches(c.After(x, rows, twinAfter), engineAfter, tolerance))?.Explanation;

    static bool Matches(double[] predicted, double[] engine, Tolerance tolerance) =>
        predicted.Length == engine.Length && predicted.Zip(engine).All(p => tolerance.Close(p.Second, p.First));
}
