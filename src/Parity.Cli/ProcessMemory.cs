using System.Runtime.InteropServices;

namespace Parity.Cli;

/// <summary>
/// The process's garbage handed back to the system: the managed heap by a compacting full collection,
/// and native memory — TorchSharp tensors left to finalizers, and what libtorch freed, which glibc
/// keeps in its arenas until trimmed.
/// </summary>
public static partial class ProcessMemory
{
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
