using System.Runtime.InteropServices;

namespace Parity.Cli;

/// <summary>
/// The process's garbage handed back to the system: the managed heap by a compacting full collection,
/// and native memory — TorchSharp tensors left to finalizers, and what libtorch freed, which glibc
/// keeps in its arenas until trimmed.
/// </summary>
public static partial class ProcessMemory
{
    /// <summary>
    /// Called after a part just done — a spec's report, a part of its check, its training — since the GC
    /// would otherwise keep the heap they grew to through the parts after them (a run of the suite held
    /// 1.8 GB through a grid of 75 MB of data, left over from the CNN before it; a CNN's check leaves
    /// 500 MB to its training).
    /// </summary>
    public static void Release()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        // malloc_trim is glibc's; elsewhere the allocator is left to itself.
        if (OperatingSystem.IsLinux())
            MallocTrim(0);
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
