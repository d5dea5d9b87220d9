using System.Runtime.InteropServices;
using Parity.Engine.Numerics;

namespace Parity.Engine.Tests;

/// <summary>
/// OpenBLAS runs the kernel named by the CPU's vector instructions (<see cref="OpenBlasCore"/>), and the processes
/// Parity starts after loading it (outside engines, shards) see the user's environment without that choice.
/// </summary>
public class OpenBlasCoreTests
{
    [ParityNamesOpenBlasKernelFact]
    public void OpenBlasRunsTheKernelOfTheCpusVectorInstructions() =>
        Assert.Equal(OpenBlasCore.ForInstructions(), Gemm.Kernel, ignoreCase: true);

    /// <summary>
    /// The native environment, which a process started from it inherits (.NET's own copy of the environment is
    /// read from it the first time the whole of it is asked for), no longer holds the choice once OpenBLAS is loaded.
    /// </summary>
    [ParityNamesOpenBlasKernelFact]
    public void TheNativeEnvironmentNoLongerHoldsTheChoice()
    {
        Assert.NotNull(Gemm.Kernel);
        Assert.Equal(0, NativeGetEnvironment(OpenBlasCore.Variable));
    }

    [DllImport("libc", EntryPoint = "getenv")]
    static extern nint NativeGetEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}

/// <summary>Skipped, and says why, where Parity leaves OpenBLAS's kernel alone.</summary>
public sealed class ParityNamesOpenBlasKernelFactAttribute : FactAttribute
{
    public ParityNamesOpenBlasKernelFactAttribute()
    {
        // The environment the process started with: setenv and unsetenv do not change /proc/self/environ.
        var userNamed = File.ReadAllText("/proc/self/environ").Split('\0').Any(entry => entry.StartsWith(OpenBlasCore.Variable + "=", StringComparison.Ordinal));
        if (userNamed)
            Skip = $"{OpenBlasCore.Variable} was set by the user: OpenBLAS runs theirs";
        else if (Gemm.Provider != "openblas")
            Skip = "OpenBLAS is not loaded (PARITY_BLAS=managed, or no libopenblas0-pthread)";
        else if (OpenBlasCore.ForInstructions() is null)
            Skip = "a CPU without AVX2 and FMA: OpenBLAS chooses by its model";
    }
}
