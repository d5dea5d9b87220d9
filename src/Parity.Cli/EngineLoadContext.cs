using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

namespace Parity.Cli;

/// <summary>
/// Where an engine assembly and its own dependencies load, apart from Parity's: everything resolves
/// from the engine's folder (its .deps.json) — except Parity.Contract, which is always Parity's own
/// copy, so that the engine's IBackend is the very interface the harness calls.
/// </summary>
sealed class EngineLoadContext(string path) : AssemblyLoadContext($"engine {Path.GetFileName(path)}")
{
    static readonly string Contract = typeof(IBackend).Assembly.GetName().Name!;
    readonly AssemblyDependencyResolver _dependencies = new(path);

    /// <summary>The engine method <paramref name="error"/> was thrown in ("Engine.Forward"), when it came out of an engine assembly's own code; otherwise null.</summary>
    public static string? Thrower(Exception error) => new StackTrace(error).GetFrames()
        .Select(frame => frame.GetMethod())
        .FirstOrDefault(method => method?.DeclaringType is { } type && GetLoadContext(type.Assembly) is EngineLoadContext) is { } thrower
            ? $"{thrower.DeclaringType!.Name}.{thrower.Name}"
            : null;

    protected override Assembly? Load(AssemblyName name) =>
        name.Name == Contract ? null // null: the default context's, Parity's own
        : _dependencies.ResolveAssemblyToPath(name) is { } file ? LoadFromAssemblyPath(file) : null;

    protected override IntPtr LoadUnmanagedDll(string name) =>
        _dependencies.ResolveUnmanagedDllToPath(name) is { } file ? LoadUnmanagedDllFromPath(file) : IntPtr.Zero;
}
