using System.Diagnostics;
using System.Globalization;
using Parity.Cli.Commands;
using Parity.Harness.Benchmarks;
using Parity.Spec;
using Xunit.Abstractions;

namespace Parity.ReferenceAlone.Tests;

/// <summary>
/// parity bench's figure for the reference at its best (<see cref="ReferenceAlone"/>: the twin in a parity
/// process of its own, at TorchSharp's defaults) is what TorchSharp itself does: held against a plain
/// TorchSharp training loop written here (<see cref="PlainLoop"/>), which leaves TorchSharp its defaults too (this
/// project sets none of Parity's native settings). Not a speed target: two measurements of one workload, each in
/// a fresh process of its own, taken in turns so that the machine's load falls on both, each round a median of
/// steps. The test command runs the test projects at once, and under that load a round of either side can read
/// 1.5–2.5× its quiet figure, the reference-alone process more than the loop: in one run of the test command at a
/// load average of 10, all 12 of its rounds read 1.40–2.26 ms at one thread where the loop's least disturbed read
/// 1.05, both quiet at 0.55–0.65. So rounds go on until each side's least disturbed round agrees with the other's
/// — load only ever adds time — for as long as <see cref="MostSeconds"/>, which outlasts the test command's busiest
/// stretch (its other projects' tests); a real difference (a second forward planted in the twin: 1.21 ms against
/// 0.66) shows in every round however quiet.
/// </summary>
public class ReferenceAloneTests(ITestOutputHelper log)
{
    const double Within = 0.15;
    const double MostSeconds = 600;
    const double Seconds = 0.5;

    [Fact]
    public void The_reference_alone_takes_what_a_plain_torchsharp_loop_takes_within_15_percent()
    {
        Assert.Null(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"));
        var spec = Path.Combine(Repository.Root, "parity-tests", "bench", "disk-mlp-f64-b1000.yaml");
        var (parity, plain) = (new List<double[]>(), new List<double[]>());
        double a, b;
        int best;
        var clock = Stopwatch.StartNew();
        do
        {
            parity.Add(ReferenceAlone(spec));
            plain.Add(Plain());
            (a, b, best) = Compare(parity, plain);
        }
        while (Math.Abs(a / b - 1) > Within && clock.Elapsed.TotalSeconds < MostSeconds);

        var figures = $"reference alone {a:F4} ms against a plain TorchSharp loop {b:F4} ms on {best + 1} thread(s) after {parity.Count} rounds in {clock.Elapsed.TotalSeconds:F0} s (ms on 1, 2, … threads each round: {Text(parity)} / {Text(plain)})";
        log.WriteLine(figures);
        Assert.True(Math.Abs(a / b - 1) <= Within, figures);

        static string Text(List<double[]> rounds) => string.Join("; ", rounds.Select(r => string.Join(", ", r.Select(ms => ms.ToString("F4")))));
    }

    [Fact]
    public void A_session_times_the_reference_round_after_round_in_the_process_it_warmed_up_once()
    {
        // parity bench's rounds: one process, one warm-up, then a timing at every thread count each time it is asked.
        var spec = SpecLoader.Load(Path.Combine(Repository.Root, "parity-tests", "bench", "disk-mlp-f64-b1000.yaml"));
        using var session = Cli.Commands.ReferenceAlone.Session.Start(spec, Environment.ProcessorCount, new BenchmarkOptions(0.05));
        for (var round = 0; round < 3; round++)
        {
            var counts = session.Next().Counts;
            Assert.Equal(Enumerable.Range(1, Environment.ProcessorCount), counts.Select(c => c.Threads));
            Assert.All(counts, c => Assert.True(c.Timing.TrainStep.MedianMs > 0, $"round {round}, {c.Threads} thread(s): {c.Timing.TrainStep.MedianMs} ms"));
        }
    }

    static (double Parity, double Plain, int Best) Compare(List<double[]> parity, List<double[]> plain)
    {
        // Each side's least disturbed round, at the thread count the plain loop runs best on: under load the two-thread
        // rounds are the wilder ones (libgomp's spinning workers, preempted, read up to 88 ms a step against a quiet 0.8).
        var best = Enumerable.Range(0, Environment.ProcessorCount).MinBy(t => plain.Min(r => r[t]));
        return (parity.Min(r => r[best]), plain.Min(r => r[best]), best);
    }

    /// <summary>parity reference-alone on the spec, started as parity bench starts it: its median at each thread count.</summary>
    static double[] ReferenceAlone(string spec)
    {
        using var session = Cli.Commands.ReferenceAlone.Session.Start(SpecLoader.Load(spec), Environment.ProcessorCount, new BenchmarkOptions(Seconds));
        return [.. session.Next().Counts.Select(c => c.Timing.TrainStep.MedianMs)];
    }

    /// <summary><see cref="PlainLoop"/> in a process of its own, prepared as the reference-alone process is: its median at each thread count.</summary>
    static double[] Plain()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[typeof(PlainLoop).Assembly.Location, PlainLoop.Argument, Invariant(Seconds)])
            start.ArgumentList.Add(argument);
        Cli.Commands.ReferenceAlone.Prepare(start);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return [.. output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => double.Parse(line, CultureInfo.InvariantCulture))];
    }

    static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
