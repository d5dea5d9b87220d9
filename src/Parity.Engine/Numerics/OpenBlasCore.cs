using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Parity.Engine.Numerics;

/// <summary>
/// Names OpenBLAS's kernel by the CPU's vector instructions before OpenBLAS is loaded, when the user has not
/// (OPENBLAS_CORETYPE). OpenBLAS picks its kernel from a table of CPU models, and one older than the CPU falls back
/// to its SSE kernel for Prescott: Debian 12's 0.3.21 does on a 5th-generation Xeon, where its products then read
/// 12–14 GFLOP/s in float64 on one thread at 1024², and 64–68 with SkylakeX's kernel, as fast as oneMKL's
/// 62–72 in the same process. Named by the instructions, two CPUs with the same ones also run the same kernel,
/// so their products sum in the same order.
/// </summary>
public static class OpenBlasCore
{
    public const string Variable = "OPENBLAS_CORETYPE";

    /// <summary>The kernel for this CPU's widest vector instructions that OpenBLAS has, or null to leave it to OpenBLAS.</summary>
    public static string? ForInstructions() =>
        Avx512F.IsSupported && Avx512F.VL.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512CD.IsSupported ? "SkylakeX"
        : Avx2.IsSupported && Fma.IsSupported ? "Haswell"
        : null;

    /// <summary>
    /// Loads OpenBLAS with OPENBLAS_CORETYPE set in the process's native environment (<see cref="NativeEnvironment"/>),
    /// where OpenBLAS reads it as it loads, unless the user set it, and takes it out again after, so that the
    /// engines Parity starts see the user's environment.
    /// </summary>
    internal static bool TryLoad(string library, out nint handle)
    {
        var kernel = Environment.GetEnvironmentVariable(Variable) is null ? ForInstructions() : null;
        if (kernel is not null)
            NativeEnvironment.SetDefault(Variable, kernel);
        try
        {
            return NativeLibrary.TryLoad(library, out handle);
        }
        finally
        {
            if (kernel is not null)
                NativeEnvironment.Unset(Variable);
        }
    }
}
