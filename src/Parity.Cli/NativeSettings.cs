using System.Runtime.InteropServices;
using Parity.Engine.Numerics;
using Parity.Torch;

namespace Parity.Cli;

/// <summary>
/// The one place where the process's native libraries are tuned, so that the engine and libtorch are
/// both fast when they take turns in one process (lockstep training, the benchmark). Measured on a
/// 2-core machine with the disk MLP and the Fashion-MNIST MLP:
/// <list type="bullet">
/// <item>libtorch's OpenMP pool (libgomp) spin-waits after each parallel region by default, as does
/// OpenBLAS's pool (shared by libtorch and the engine: one libopenblas.so.0 per process). Two pools
/// spinning on two cores starve the thread with work: a Fashion-MNIST step took 10–25× longer.
/// <c>OMP_WAIT_POLICY=PASSIVE</c> makes an idle OpenMP thread sleep at once; OpenBLAS's own short
/// spin (sched_yield) is kept: shortening it cost the big products more than it saved.</item>
/// <item>glibc returns freed blocks above 128 KiB to the kernel at once, so every libtorch tensor of
/// that size (a 1000×25 float64 activation) costs fresh pages and their faults, a fifth of the twin's
/// step. Keeping them in the heap (<c>mallopt</c>) took the twin's disk step from ~0.87 to ~0.66 ms;
/// the engine allocates nothing per step and is unaffected.</item>
/// </list>
/// </summary>
public static class NativeSettings
{
    const int MallocTrimThreshold = -1, MallocTopPad = -2, MallocMmapThreshold = -3;

    /// <summary>
    /// Sets what the native libraries read once, when they load: call it before the first call into
    /// libtorch or OpenBLAS. An environment variable the user has set is left as it is.
    /// </summary>
    public static void ConfigureProcess()
    {
        SetDefault("OMP_WAIT_POLICY", "PASSIVE");
        if (OperatingSystem.IsLinux())
        {
            // Blocks up to 32 MiB (glibc's largest threshold) come from the heap, which keeps 512 MiB of freed memory before trimming.
            mallopt(MallocMmapThreshold, 32 << 20);
            mallopt(MallocTrimThreshold, 512 << 20);
            mallopt(MallocTopPad, 16 << 20);
        }
    }

    /// <summary>Sets libtorch's intra-op threads and the BLAS's (both engines': one OpenBLAS per process) to <paramref name="threads"/>.</summary>
    public static void SetThreads(int threads)
    {
        torch.set_num_threads(threads);
        Gemm.SetThreads(threads);
    }

    static void SetDefault(string name, string value)
    {
        // Environment.SetEnvironmentVariable changes .NET's copy only; native code reads the C library's.
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable(name) is null)
            setenv(name, value, overwrite: 0);
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc")]
    static extern int mallopt(int parameter, int value);
}
