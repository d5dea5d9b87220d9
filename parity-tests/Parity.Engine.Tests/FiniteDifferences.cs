namespace Parity.Engine.Tests;

/// <summary>Central finite differences in float64: the reference every analytical gradient is checked against.</summary>
static class FiniteDifferences
{
    const double Eps = 1e-6;

    /// <summary>∂f/∂x_i ≈ (f(x + eps·e_i) − f(x − eps·e_i)) / 2eps for every element of <paramref name="x"/>, which f reads; x is restored.</summary>
    public static double[] Gradient(double[] x, Func<double> f)
    {
        var gradient = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var saved = x[i];
            x[i] = saved + Eps;
            var plus = f();
            x[i] = saved - Eps;
            var minus = f();
            x[i] = saved;
            gradient[i] = (plus - minus) / (2 * Eps);
        }
        return gradient;
    }

    /// <summary>Asserts max|analytical − numerical| / max|numerical| ≤ tolerance, naming the worst coordinate.</summary>
    public static void AssertMatches(double[] numerical, double[] analytical, string what, double tolerance = 1e-6)
    {
        Assert.Equal(numerical.Length, analytical.Length);
        var scale = numerical.Max(Math.Abs);
        Assert.True(scale > 1e-3, $"{what}: the numerical gradient is about 0, so comparing against it proves nothing");
        var worst = Enumerable.Range(0, numerical.Length).MaxBy(i => Math.Abs(analytical[i] - numerical[i]));
        var error = Math.Abs(analytical[worst] - numerical[worst]) / scale;
        Assert.True(error <= tolerance,
            $"{what}[{worst}]: analytical {analytical[worst]:R}, numerical {numerical[worst]:R}, relative error {error:E2} > {tolerance:E0}");
    }
}
