using System.Runtime.InteropServices;
using Parity.Engine;
using Parity.Engine.Numerics;
using Parity.Torch.Twin;

namespace Parity.Cli;

/// <summary>
/// The one place where the process's native libraries are tuned, so that the engine and TorchSharp
/// are both fast when they take turns in one process (lockstep training, the benchmark). Three pools
/// of threads share the cores: TorchSharp's OpenMP pool (its own libgomp, which oneMKL's products and
/// libtorch's elementwise kernels run on), OpenBLAS's pthread pool (the engine's products) and the
/// engine's own (<c>RowSplit</c>). Each setting is kept because a measurement on this project's
/// 2-core machine supports it:
/// <list type="bullet">
/// <item><c>OMP_WAIT_POLICY=PASSIVE</c>: an idle OpenMP thread sleeps at once. libgomp's default
/// spins about 3 ms first (GOMP_SPINCOUNT 300,000); with the engine's and OpenBLAS's threads on the
/// same two cores, and any other load on the machine, that spinning stalled TorchSharp's Fashion-MNIST
/// float32 step to a median of 100–200 ms (disk MLP: 100 ms), where PASSIVE kept it at 3.1–3.3 ms
/// (disk: 0.55 ms) in the same conditions; 0.1 ms of spin (GOMP_SPINCOUNT=10000) still gave 17 ms.
/// A short spin does speed TorchSharp up on a machine with nothing else to run: with GOMP_SPINCOUNT=100000
/// (about 1 ms) the Fashion CNN's step beside the engine took 9.8 ms instead of 14.5 and the suite 147 s
/// instead of 170 (one run each); but beside one busy process the Fashion MLP's lockstep training took
/// 19.9 s instead of 10.3 (10,000 spins: 12.1), and CI runs test projects side by side.</item>
/// <item><c>OPENBLAS_THREAD_TIMEOUT=20</c>: an idle OpenBLAS thread spins (on sched_yield) for 2^20
/// cycles, about 0.4 ms — long enough to stay awake between one step's products — instead of 2^28,
/// about 0.1 s, which spills into TorchSharp's turn on the same two cores.</item>
/// <item>glibc returns a freed block above 128 KiB to the kernel at once, so every libtorch tensor of
/// that size (a 1000×25 float64 activation) costs fresh pages and their faults. Keeping such blocks
/// in the heap (<c>mallopt</c>) spares TorchSharp those faults; the engine allocates nothing per step.</item>
/// </list>
/// The thread counts themselves (<see cref="SetThreads"/>) can change at any time; the rest is read
/// once, when each library loads.
/// </summary>
public static class NativeSettings
{
    const int MallocTrimThreshold = -1, MallocTopPad = -2, MallocMmapThreshold = -3;

    /// <summary>
    /// Sets what the native libraries read once, when they load: call it before the first call into
    /// TorchSharp or OpenBLAS. The waiting policies pass on to the processes parity starts (exec:
    /// engines, the suite's examples). An environment variable the user has set is left as it is.
    /// </summary>
    public static void ConfigureProcess()
    {
        SetDefault("OMP_WAIT_POLICY", "PASSIVE");
        SetDefault("OPENBLAS_THREAD_TIMEOUT", "20");
        KeepFreedMemory();
    }

    /// <summary>
    /// Blocks up to 32 MiB (glibc's largest threshold) come from the heap, which keeps 512 MiB of freed memory
    /// before trimming. Unlike the waiting policies, this only ever spares TorchSharp work, so the reference
    /// timed alone gets it too: without it, whether glibc trims and regrows the heap top on every step depends on
    /// what the process allocated before, and the disk MLP's step read 0.83–1.48 ms in parity reference-alone
    /// against 0.60–1.11 with it, alternating runs on one quiet machine.
    /// </summary>
    public static void KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
            return;
        mallopt(MallocMmapThreshold, 32 << 20);
        mallopt(MallocTrimThreshold, 512 << 20);
        mallopt(MallocTopPad, 16 << 20);
    }

    /// <summary>Sets TorchSharp's intra-op threads to the reference's count, the engine's BLAS's and the engine's own to the engine's.</summary>
    public static void SetThreads(Harness.Benchmarks.SideThreads threads)
    {
        TorchRuntime.Threads = threads.Reference;
        Gemm.SetThreads(threads.Engine);
    }

    static void SetDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is not null)
            return;
        // Native code in this process reads the C library's copy; .NET's copy is the one child processes
        // get, and an exec: engine's numpy has its own OpenBLAS pool that spins on the same two cores.
        NativeEnvironment.SetDefault(name, value);
        Environment.SetEnvironmentVariable(name, value);
    }

    [DllImport("libc")]
    static extern int mallopt(int parameter, int value);
}
