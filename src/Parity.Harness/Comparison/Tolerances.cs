using Parity.Spec;

namespace Parity.Harness.Comparison;

/// <summary>
/// The closeness tests in force for a spec: per-dtype defaults, overridden by the spec's
/// <c>tolerance</c> block. Gradient parity: every element |engine − twin| ≤ atol + rtol·|twin|.
/// Gradcheck: PyTorch gradcheck's test and defaults, always in float64.
/// </summary>
public static class Tolerances
{
    /// <summary>float64: summation order alone moves results by ~1e-16 relative; float32 by ~1e-7 times the number of terms.</summary>
    public static Tolerance GradientDefault(DType dtype) => dtype == DType.Float32
        ? new Tolerance(Atol: 1e-6, Rtol: 1e-4)
        : new Tolerance(Atol: 1e-12, Rtol: 1e-9);

    public static readonly GradcheckTolerance GradcheckDefault = new(Eps: 1e-6, Atol: 1e-5, Rtol: 1e-3);

    public static Tolerance Gradient(ParitySpec spec) => spec.Tolerance.Gradient ?? GradientDefault(spec.DType);

    public static GradcheckTolerance Gradcheck(ParitySpec spec) => spec.Tolerance.Gradcheck ?? GradcheckDefault;
}
