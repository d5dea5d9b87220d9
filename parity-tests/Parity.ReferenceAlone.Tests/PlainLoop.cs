using System.Diagnostics;
using System.Globalization;
using Parity.Harness.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace Parity.ReferenceAlone.Tests;

/// <summary>
/// The disk spec's model, loss, optimizer and batch as one would write them in TorchSharp, as this assembly's own
/// program: the test starts it as a process of its own, as parity bench starts the reference alone, so that both
/// are timed from a fresh process under the same load. Run inside the test host instead, the loop was warm from
/// earlier rounds while each reference-alone process was new, and under the test command's load the two parted by
/// 35 % (child 0.87–1.45 ms, loop 0.63–0.70) with nothing wrong in either.
/// </summary>
public static class PlainLoop
{
    public const string Argument = "plain-loop";

    /// <summary><c>plain-loop SECONDS</c>: prints the median ms of a full step at 1, 2, … cores threads, one per line.</summary>
    public static int Main(string[] args)
    {
        if (args is not [Argument, var seconds])
        {
            Console.Error.WriteLine($"usage: {Argument} SECONDS");
            return 2;
        }
        // The heap as parity reference-alone keeps it: glibc's default trims and regrows the heap top on every step
        // or not, depending on what the process allocated before, which is chance, not TorchSharp.
        Cli.NativeSettings.KeepFreedMemory();
        foreach (var threads in Enumerable.Range(1, Environment.ProcessorCount))
            Console.WriteLine(MedianStepMs(threads, double.Parse(seconds, CultureInfo.InvariantCulture)).ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    static double MedianStepMs(int threads, double seconds)
    {
        set_num_threads(threads);
        using var scope = NewDisposeScope();
        var model = nn.Sequential(nn.Linear(2, 25), nn.ReLU(), nn.Linear(25, 25), nn.ReLU(), nn.Linear(25, 25), nn.ReLU(), nn.Linear(25, 1)).to(float64);
        var (x, y) = (randn(1000, 2, float64), randn(1000, 1, float64));
        var optimizer = optim.SGD(model.parameters(), 0.1);
        void Step()
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            _ = loss.item<double>();
        }
        // As long a warm-up as the reference-alone process takes (libtorch's caches fill in it).
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < 1)
            Step();
        var times = new List<double>();
        clock.Restart();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var start = Stopwatch.GetTimestamp();
            Step();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        // The median as parity bench takes it.
        return PhaseTiming.Of([.. times]).MedianMs;
    }
}
