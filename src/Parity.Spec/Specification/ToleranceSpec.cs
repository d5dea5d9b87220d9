namespace Parity.Spec;

/// <summary>An elementwise closeness test |a − b| ≤ atol + rtol·|b|.</summary>
public sealed record Tolerance(double Atol, double Rtol);

public sealed record GradcheckTolerance(double Eps, double Atol, double Rtol);

/// <summary>The spec's overrides of the per-dtype defaults; null where the spec keeps the default.</summary>
public sealed record ToleranceSpec(Tolerance? Gradient, GradcheckTolerance? Gradcheck);
