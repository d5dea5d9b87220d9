namespace Parity.Engine.Numerics;

/// <summary>
/// The error function in double (the BCL has none), for exact GELU: its Maclaurin series below 3,
/// where cancellation costs at most three digits, and 1 − erfc by its continued fraction above, where
/// that converges in a few dozen terms.
/// </summary>
public static class Erf
{
    public static double Of(double x) => x < 0 ? -Of(-x) : x < 3 ? Series(x) : 1 - ComplementFraction(x);

    // erf x = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!·(2n+1))
    static double Series(double x)
    {
        double sum = x, term = x;
        for (var n = 1; n < 80; n++)
        {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    // erfc x = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
    static double ComplementFraction(double x)
    {
        var fraction = 0.0;
        for (var n = 60; n >= 1; n--)
            fraction = n / 2.0 / (x + fraction);
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / (x + fraction);
    }
}
