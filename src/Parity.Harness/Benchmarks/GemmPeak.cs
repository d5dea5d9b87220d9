using System.Diagnostics;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// The machine's limit for a training step: the GFLOP/s of the BLAS on a large square product of
/// <see cref="Size"/> in the spec's dtype on <see cref="Threads"/> threads, the fastest of the timed products.
/// A step is products and the work between them, so its GFLOP/s over this says how much of the machine it uses.
/// </summary>
public sealed record GemmPeak(string DType, int Size, int Threads, double Gflops)
{
    /// <summary>Large enough that packing and thread start-up are a few percent of a product, small enough to take milliseconds.</summary>
    public const int SquareSize = 1024;

    /// <summary>
    /// Times <paramref name="multiply"/> (one n×n by n×n product, 2n³ operations) for at least
    /// <paramref name="minSeconds"/> after three untimed products, and keeps the fastest.
    /// </summary>
    public static GemmPeak Measure(string dtype, int size, int threads, Action multiply, double minSeconds)
    {
        for (var i = 0; i < 3; i++)
            multiply();
        var fastest = double.MaxValue;
        var start = Stopwatch.GetTimestamp();
        do
        {
            var one = Stopwatch.GetTimestamp();
            multiply();
            fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(one).TotalSeconds);
        }
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < minSeconds);
        return new GemmPeak(dtype, size, threads, 2.0 * size * size * size / fastest / 1e9);
    }
}
