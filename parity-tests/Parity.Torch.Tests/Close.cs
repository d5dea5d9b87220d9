namespace Parity.Torch.Tests;

/// <summary>Elementwise comparison with |expected − actual| ≤ atol + rtol·|expected|, naming the first coordinate that misses.</summary>
static class Close
{
    public static void Equal(double[] expected, double[] actual, double rtol = 1e-12, double atol = 1e-14)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= atol + rtol * Math.Abs(expected[i])))
                Assert.Fail($"coordinate {i}: expected {expected[i]:R}, got {actual[i]:R} (atol {atol}, rtol {rtol})");
    }

    public static void Equal(double expected, double actual, double rtol = 1e-12, double atol = 1e-14) => Equal([expected], [actual], rtol, atol);
}
