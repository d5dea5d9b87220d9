namespace Parity.Engine.Tests;

static class Elementwise
{
    /// <summary>Asserts |expected_i − actual_i| ≤ tolerance for every i, naming the first coordinate that is not.</summary>
    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}]: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance:E0})");
    }
}
