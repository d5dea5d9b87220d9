using Parity.Spec;

namespace Parity.Harness.Comparison;

/// <summary>Distance between two finite numbers in units in the last place of the dtype: how many representable values lie between them.</summary>
public static class Ulp
{
    public static double Distance(double a, double b, DType dtype) => dtype == DType.Float32
        ? Math.Abs((double)Ordered(BitConverter.SingleToInt32Bits((float)a)) - Ordered(BitConverter.SingleToInt32Bits((float)b)))
        : Math.Abs((double)Ordered(BitConverter.DoubleToInt64Bits(a)) - Ordered(BitConverter.DoubleToInt64Bits(b)));

    // Maps the sign-magnitude bit patterns onto one monotonic integer line (−0 and +0 meet at 0).
    static long Ordered(long bits) => bits < 0 ? long.MinValue - bits : bits;

    static long Ordered(int bits) => bits < 0 ? int.MinValue - (long)bits : bits;
}
