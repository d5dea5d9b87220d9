namespace Parity.Spec;

/// <summary>
/// A usual mistake in an elementwise loss's gradient, for diagnosis: the rule dL/dp = scale·f(d) it
/// gives on d = p − y (scale the mean's 1/n, or 1 for sum), and the sentence that names it. No engine uses these rules.
/// </summary>
public sealed record LossMistake(string Explanation, Func<double, double> Derivative);
