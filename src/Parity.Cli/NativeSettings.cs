using System.Runtime.InteropServices;
using Parity.Engine.Numerics;
using Parity.Torch.Twin;

namespace Parity.Cli;

/// <summary>
/// The one place where the process's native libraries are tuned, so that the engine and libtorch are
/// both fast when they take turns in one process (lockstep training, the benchmark). Three pools of
/// threads share the cores: libtorch's OpenMP pool (libgomp, its elementwise kernels), OpenBLAS's
/// pthread pool (one libopenblas.so.0 per process: libtorch's products and the engine's alike) and
/// the engine's own (<c>RowSplit</c>). Measured on this project's 2-core machine:
/// <list type="bullet">
/// <item><c>OMP_WAIT_POLICY=PASSIVE</c>: an idle OpenMP thread sleeps at once instead of spinning;
/// spinning against OpenBLAS's threads, the twin's float64 Fashion-MNIST step took a median 24 ms
/// instead of about 5.</item>
/// <item><c>OPENBLAS_THREAD_TIMEOUT=20</c>: an idle OpenBLAS thread spins (on sched_yield) for 2^20
/// cycles, about 0.4 ms — long enough to stay awake between one step's products — instead of 2^28,
/// about 0.1 s, which spilled into the engine's turn: the engine's disk step, alternating with
/// libtorch, went from 240–390 µs (quartiles) to 240–260. At 2^16, waking it cost libtorch 30 %.</item>
/// <item>glibc returns a freed block above 128 KiB to the kernel at once, so every libtorch tensor of
/// that size (a 1000×25 float64 activation) costs fresh pages and their faults. Keeping such blocks
/// in the heap (<c>mallopt</c>) took the twin's one-thread disk step from 0.87 to 0.66 ms (median)
/// and its system time from 1.1 s to 0.1 s over 5,000 steps; the engine allocates nothing per step.</item>
/// </list>
/// The thread counts themselves (<see cref="SetThreads"/>) can change at any time; the rest is read
/// once, when each library loads.
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
        SetDefault("OPENBLAS_THREAD_TIMEOUT", "20");
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
        TorchRuntime.Threads = threads;
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
