using Parity.Spec;

namespace Parity.Harness.Diagnosis;

/// <summary>
/// Explains an activation whose backward parts from TorchSharp's by the usual mistakes in its local
/// derivative. Each candidate is a rule dx = g·f(x, y), evaluated on TorchSharp's input x and output y
/// and on the gradient g reaching the output (which agrees); the one that reproduces the engine's dx
/// is named. Diagnosis only: no engine uses these rules.
/// </summary>
static class ActivationHypotheses
{
    sealed record Candidate(string Explanation, Func<double, double, double> Derivative);

    static Candidate[] Candidates(ActivationLayer layer) => layer.Kind switch
    {
        ActivationKind.Sigmoid =>
        [
            new("it matches g·y: the (1 − y) factor of σ′ = y·(1 − y) is missing", (x, y) => y),
            new("it matches g·(1 − y): the y factor of σ′ = y·(1 − y) is missing", (x, y) => 1 - y),
            new("it matches g·x·(1 − x): σ′ = y·(1 − y) is taken on the input x instead of the output y = σ(x)", (x, y) => x * (1 - x)),
        ],
        ActivationKind.Tanh =>
        [
            new("it matches g·(1 − x²): tanh′ = 1 − y² is taken on the input x instead of the output y = tanh x", (x, y) => 1 - x * x),
            new("it matches g·(1 − y): the square of tanh′ = 1 − y² is missing", (x, y) => 1 - y),
        ],
        ActivationKind.Relu =>
        [
            new("the mask is inverted: the gradient passes where x ≤ 0 and stops where x > 0", (x, y) => x > 0 ? 0 : 1),
            new("the mask is missing: the gradient passes everywhere, also where x ≤ 0", (x, y) => 1),
        ],
        ActivationKind.LeakyRelu =>
        [
            new($"the slope is forgotten: where x ≤ 0 the gradient is 0, as for ReLU, instead of slope·g = {layer.Slope}·g", (x, y) => x > 0 ? 1 : 0),
            new($"the slope is forgotten: where x ≤ 0 the gradient passes unscaled instead of as slope·g = {layer.Slope}·g", (x, y) => 1),
            new("the branches are swapped: slope·g where x > 0, g where x ≤ 0", (x, y) => x > 0 ? layer.Slope : 1),
        ],
        ActivationKind.Softmax =>
        [
            new("it matches g·y·(1 − y): only the diagonal of softmax's Jacobian diag(y) − y·yᵀ is used; dx = y ⊙ (g − Σⱼ gⱼ·yⱼ)", (x, y) => y * (1 - y)),
            new("it matches y ⊙ g: the −Σⱼ gⱼ·yⱼ term of dx = y ⊙ (g − Σⱼ gⱼ·yⱼ) is missing", (x, y) => y),
        ],
        _ => [],
    };

    /// <summary>The candidate mistake that gives the engine's gradient <paramref name="engineGradInput"/>, or null.</summary>
    public static string? Explain(ActivationLayer layer, double[] x, double[] y, double[] gradOutput, double[] engineGradInput, Tolerance tolerance) =>
        Candidates(layer).FirstOrDefault(c => engineGradInput.Select((e, i) => (e, i)).All(p =>
        {
            var predicted = gradOutput[p.i] * c.Derivative(x[p.i], y[p.i]);
            return Math.Abs(p.e - predicted) <= tolerance.Atol + tolerance.Rtol * Math.Abs(predicted);
        }))?.Explanation;
}
