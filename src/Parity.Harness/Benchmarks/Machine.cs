using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// The machine a run was made on, as its report names it: the CPU model, the cores, the load when the run
/// began, and the vector instructions .NET computes with — which set the order of sums, and so the last
/// bits of a result: the same machine repeats a run bit for bit, another CPU only up to rounding.
/// </summary>
public sealed record Machine(string Cpu, int Cores, double LoadAverage, string Instructions)
{
    /// <summary>This machine, read from /proc (and "unknown" / 0 where it cannot be read, off Linux).</summary>
    public static Machine Current() => new(CpuModel(), Environment.ProcessorCount, OneMinuteLoad(), VectorInstructions());

    /// <summary>
    /// The instruction sets in use, as .NET sees them after DOTNET_EnableAVX512F / DOTNET_EnableAVX2, and the
    /// width of <see cref="Vector{T}"/>, which the engine's loops and System.Numerics.Tensors run on.
    /// </summary>
    static string VectorInstructions()
    {
        var sets = new (bool Supported, string Name)[] { (Avx512F.IsSupported, "AVX-512F"), (Avx2.IsSupported, "AVX2"), (Fma.IsSupported, "FMA"), (Avx.IsSupported, "AVX"), (Sse42.IsSupported, "SSE4.2") }
            .Where(s => s.Supported).Select(s => s.Name).ToList();
        var widest = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;
        return $"{(sets.Count == 0 ? "no vector instructions" : string.Join(", ", sets))}; Vector<T> {Vector<byte>.Count * 8}-bit, widest accelerated {widest}-bit";
    }

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
