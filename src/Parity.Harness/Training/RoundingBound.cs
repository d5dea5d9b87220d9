using Parity.Spec;

namespace Parity.Harness.Training;

/// <summary>
/// How far two correct engines may part from rounding alone, relative to the parameters' scale
/// (and for the loss, relative to the loss): after k steps, 100·ε·√k, ε the dtype's machine epsilon
/// — a random walk of per-step rounding errors, with room for the few ULPs each step's reductions
/// may differ by. Measured on the built-in suite, drift stays 100× or more below it (docs/commands.md, parity train).
/// </summary>
public static class RoundingBound
{
    /// <summary>Leaving the bound by this factor within one step is a jump: a different computation, not rounding.</summary>
    public const double Jump = 100;

    public static double At(DType dtype, int step) => 100 * Epsilon(dtype) * Math.Sqrt(step);

    public static double Epsilon(DType dtype) => dtype == DType.Float32 ? 1.1920929e-7 : 2.220446049250313e-16;
}
