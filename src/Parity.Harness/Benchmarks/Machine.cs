using System.Globalization;

namespace Parity.Harness.Benchmarks;

/// <summary>The machine a benchmark ran on, as its report names it: the CPU model, the cores, and the load when the run began.</summary>
public sealed record Machine(string Cpu, int Cores, double LoadAverage)
{
    /// <summary>This machine, read from /proc (and "unknown" / 0 where it cannot be read, off Linux).</summary>
    public static Machine Current() => new(CpuModel(), Environment.ProcessorCount, OneMinuteLoad());

    static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?[(line.IndexOf(':') + 1)..].Trim() is { Length: > 0 } model ? model : "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    /// <summary>The one-minute load average: other work on the machine shows up in the timings, so the report says how much there was.</summary>
    static double OneMinuteLoad()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
