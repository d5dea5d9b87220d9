using System.Diagnostics;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// The machine's limit for a training step: the GFLOP/s of a large square product of <see cref="Size"/>
/// in the spec's dtype on <see cref="Threads"/> threads, the fastest of the timed products, by the
/// <see cref="Kernel"/> that multiplies fastest. A step is products and the work between them, so its
/// GFLOP/s over this says how much of the machine it uses.
/// </summary>
public sealed record GemmPeak(string DType, int Size, int Threads, double Gflops, string Kernel)
{
    /// <summary>Large enough that packing and thread start-up are a few percent of a product, small enough to take milliseconds.</summary>
    public const int SquareSize = 1024;

    /// <summary>
    /// Times <paramref name="multiply"/> (<paramref name="products"/> n×n by n×n products, 2n³ operations
    /// each) for at least <paramref name="minSeconds"/> after three untimed calls, and keeps the fastest.
    /// </summary>
    public static GemmPeak Measure(string dtype, int size, int threads, string kernel, int products, Action multiply, double minSeconds)
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
        return new GemmPeak(dtype, size, threads, products * 2.0 * size * size * size / fastest / 1e9, kernel);
    }

    /// <summary>The faster of two kernels' peaks.</summary>
    public static GemmPeak Faster(GemmPeak one, GemmPeak other) => one.Gflops >= other.Gflops ? one : other;
}
