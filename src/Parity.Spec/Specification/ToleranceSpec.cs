namespace Parity.Spec;

/// <summary>An elementwise closeness test |a − b| ≤ atol + rtol·|b|.</summary>
public sealed record Tolerance(double Atol, double Rtol)
{
    /// <summary>Whether <paramref name="value"/> matches <paramref name="reference"/>: |value − reference| ≤ atol + rtol·|reference|.</summary>
    public bool Close(double value, double reference) => Math.Abs(value - reference) <= Atol + Rtol * Math.Abs(reference);
}

public sealed record GradcheckTolerance(double Eps, double Atol, double Rtol);

/// <summary>The spec's overrides of the per-dtype defaults; null where the spec keeps the default.</summary>
public sealed record ToleranceSpec(Tolerance? Gradient, GradcheckTolerance? Gradcheck);
