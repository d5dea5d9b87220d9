using System.Reflection;
using Parity.Spec;

namespace Parity.Cli;

/// <summary>
/// <c>--engine PATH.dll</c>: an engine built as a .NET assembly against Parity.Contract, loaded in its own
/// context. The rule: exactly one public, non-abstract class implements <see cref="IBackend"/>, with a
/// public constructor <c>(ModelDescription, IReadOnlyList&lt;HostTensor&gt;)</c>; reports name the engine
/// by its assembly's name. Anything else is refused with what to change.
/// </summary>
static class EngineAssembly
{
    public static EngineUnderTest Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new InputException($"--engine {path}: no such file; pass builtin, or the path of the .dll your engine builds to");
        try
        {
            AssemblyName.GetAssemblyName(full);
        }
        catch (BadImageFormatException)
        {
            throw new InputException($"--engine {path}: not a .NET assembly; pass the .dll your engine project builds to (bin/…/YourEngine.dll)");
        }
        var assembly = new EngineLoadContext(full).LoadFromAssemblyPath(full);
        var type = TheBackend(path, assembly);
        var constructor = type.GetConstructor([typeof(ModelDescription), typeof(IReadOnlyList<HostTensor>)])
            ?? throw new InputException($"--engine {path}: {type.FullName} has no public constructor ({nameof(ModelDescription)} model, IReadOnlyList<{nameof(HostTensor)}> initialParameters); add one — Parity builds the engine from the model and the parameters it starts from");
        return new EngineUnderTest(assembly.GetName().Name!, (model, initial) => Construct(path, constructor, model, initial));
    }

    /// <summary>The one public class of the assembly that implements IBackend.</summary>
    static Type TheBackend(string path, Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException or ReflectionTypeLoadException)
        {
            throw new InputException($"--engine {path}: its types cannot be loaded ({InputException.OneLine(e.Message)}); build it against the Parity.Contract package and keep its own dependencies beside it");
        }
        var backends = types.Where(t => t.IsClass && !t.IsAbstract && !t.ContainsGenericParameters && typeof(IBackend).IsAssignableFrom(t)).ToList();
        return backends.Count switch
        {
            1 => backends[0],
            0 => throw new InputException($"--engine {path}: no public class implements Parity.Contract.IBackend; make your engine class public and implement IBackend"),
            _ => throw new InputException($"--engine {path}: {backends.Count} public classes implement IBackend ({string.Join(", ", backends.Select(t => t.FullName))}); keep the engine public and make the others internal"),
        };
    }

    static IBackend Construct(string path, ConstructorInfo constructor, ModelDescription model, IReadOnlyList<HostTensor> initial)
    {
        try
        {
            return (IBackend)constructor.Invoke([model, initial]);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } thrown)
        {
            throw new InputException($"--engine {path}: the constructor of {constructor.DeclaringType!.FullName} threw {thrown.GetType().Name} for model {model.Name}: {InputException.OneLine(thrown.Message)}");
        }
    }
}
