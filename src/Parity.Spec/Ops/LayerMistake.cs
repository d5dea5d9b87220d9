namespace Parity.Spec;

/// <summary>
/// A usual mistake in an op, for diagnosis: the rule it gives (x the input, y the output) — in its
/// backward the local derivative, dx = g·f(x, y); in its forward the output, f(x, y) — and the
/// sentence that names it. No engine uses these rules.
/// </summary>
public sealed record LayerMistake(string Explanation, Func<double, double, double> Derivative);
