using System.Diagnostics;
using System.Text.Json;
using Parity.Cli.Commands;
using Parity.Cli.Output;
using Parity.Harness.Benchmarks;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Parity.ReferenceAlone.Tests;

/// <summary>
/// parity bench's figure for the reference at its best (<see cref="ReferenceAlone"/>: the twin in a parity
/// process of its own, at TorchSharp's defaults) is what TorchSharp itself does: held against a plain
/// TorchSharp training loop written here, in this test host, which leaves TorchSharp its defaults too (this
/// project sets none of Parity's native settings). Not a speed target: two measurements of one workload,
/// taken in turns so that the machine's load falls on both, each round a median of steps. The test command
/// runs the test projects at once, and under that load one side's round can read 1.5× its quiet figure; so
/// rounds go on, up to <see cref="MostRounds"/>, until each side's least disturbed round agrees with the other's
/// — a real difference (Parity's native settings leaking into the child, say) never does.
/// </summary>
public class ReferenceAloneTests(ITestOutputHelper log)
{
    const double Within = 0.15;
    const int MostRounds = 12;
    const double Seconds = 0.5;

    [Fact]
    public void The_reference_alone_takes_what_a_plain_torchsharp_loop_takes_within_15_percent()
    {
        Assert.Null(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"));
        var spec = Path.Combine(Repository.Root, "parity-tests", "bench", "disk-mlp-f64-b1000.yaml");
        var (parity, plain) = (new List<double[]>(), new List<double[]>());
        double a, b;
        int best;
        do
        {
            parity.Add(ReferenceAlone(spec));
            plain.Add([.. Enumerable.Range(1, Environment.ProcessorCount).Select(PlainLoopMs)]);
            (a, b, best) = Compare(parity, plain);
        }
        while (Math.Abs(a / b - 1) > Within && parity.Count < MostRounds);

        var figures = $"reference alone {a:F4} ms against a plain TorchSharp loop {b:F4} ms on {best + 1} thread(s) after {parity.Count} rounds (ms on 1, 2, … threads each round: {Text(parity)} / {Text(plain)})";
        log.WriteLine(figures);
        Assert.True(Math.Abs(a / b - 1) <= Within, figures);

        static string Text(List<double[]> rounds) => string.Join("; ", rounds.Select(r => string.Join(", ", r.Select(ms => ms.ToString("F4")))));
    }

    static (double Parity, double Plain, int Best) Compare(List<double[]> parity, List<double[]> plain)
    {
        // Each side's least disturbed round, since the machine's other load only ever adds time (the test command runs the
        // test projects at once: one round of the child read 0.55 ms at a load of 6, its others 0.41, the plain loop's
        // 0.40–0.42), at the thread count the plain loop runs best on: it is the steadier of the two (same process, warm),
        // while under load either side has lucky rounds on two threads (the child once 0.33 ms, every other round of it
        // 0.36–0.86; the plain loop once 0.33, its others 0.53–0.54), which say nothing about TorchSharp's own figure.
        var best = Enumerable.Range(0, Environment.ProcessorCount).MinBy(t => plain.Min(r => r[t]));
        return (parity.Min(r => r[best]), plain.Min(r => r[best]), best);
    }

    /// <summary>The disk spec's model, loss, optimizer and batch as one would write them in TorchSharp: median ms of a full step on <paramref name="threads"/> threads.</summary>
    static double PlainLoopMs(int threads)
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
        // As long a warm-up as the reference-alone process takes (the JIT's second tier settles in it).
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < 1)
            Step();
        var times = new List<double>();
        clock.Restart();
        while (clock.Elapsed.TotalSeconds < Seconds)
        {
            var start = Stopwatch.GetTimestamp();
            Step();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return Median(times);
    }

    /// <summary>parity reference-alone on the spec, as parity bench starts it: its median at each thread count.</summary>
    static double[] ReferenceAlone(string spec)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "parity.dll"), Cli.Commands.ReferenceAlone.Name, spec, "--min-time", Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return [.. JsonSerializer.Deserialize<AtBest>(output.Result, Json.Options)!.Counts.Select(c => c.Timing.TrainStep.MedianMs)];
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
