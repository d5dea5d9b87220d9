using System.Runtime.InteropServices;

namespace Parity.Engine;

/// <summary>
/// The C library's copy of the process's environment, which native libraries read as they load (OpenBLAS, libgomp).
/// .NET's Environment.SetEnvironmentVariable changes only .NET's own copy, the one the processes it starts get.
/// </summary>
public static class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/> unless it is set. A failure (out of memory) leaves it as it was: a library's speed, never its results.</summary>
    public static void SetDefault(string name, string value)
    {
        if (OperatingSystem.IsLinux())
            setenv(name, value, overwrite: 0);
    }

    public static void Unset(string name)
    {
        if (OperatingSystem.IsLinux())
            unsetenv(name);
    }

    [DllImport("libc")]
    static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc")]
    static extern int unsetenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
