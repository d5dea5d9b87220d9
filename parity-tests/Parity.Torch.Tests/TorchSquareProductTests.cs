using Parity.Harness.Benchmarks;
using Parity.Torch.Twin;

namespace Parity.Torch.Tests;

/// <summary>
/// The product bench's peak takes as oneMKL's (BlasPeak) must be a product's work: one that did nothing, or
/// less than all of it, would make a peak no core reaches and every "of peak" figure too small.
/// </summary>
public class TorchSquareProductTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Runs_at_a_rate_one_core_can_reach(bool float64)
    {
        var threads = TorchRuntime.Threads;
        TorchRuntime.Threads = 1;
        try
        {
            using var product = new TorchSquareProduct(Enumerable.Repeat(0.5, 256 * 256).ToArray(), 256, float64);
            var peak = GemmPeak.Measure(float64 ? "float64" : "float32", 256, 1, "oneMKL", 1, product.Multiply, minSeconds: 0.05);
            // A core of today does at most 64 float32 FMAs a cycle at ~5 GHz: 640 GFLOP/s; a product skipped reads ~10⁵ or more.
            Assert.InRange(peak.Gflops, 0.1, 1000);
        }
        finally
        {
            TorchRuntime.Threads = threads;
        }
    }
}
