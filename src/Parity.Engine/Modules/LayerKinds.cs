using System.Numerics;
using System.Reflection;

namespace Parity.Engine.Modules;

/// <summary>The engine's layer factories by kind, discovered from the <see cref="LayerKindAttribute"/>s of its module classes.</summary>
public static class LayerKinds
{
    public static Dictionary<string, Func<LayerDescription, Module<T>>> Discover<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(LayerKindAttribute).Assembly.GetTypes()
            .SelectMany(type => type.GetCustomAttributes<LayerKindAttribute>().Select(attribute => (Type: type, attribute.Kind)))
            .ToDictionary(found => found.Kind, found => Factory<T>(found.Type.MakeGenericType(typeof(T))));

    static Func<LayerDescription, Module<T>> Factory<T>(Type module) where T : unmanaged, IFloatingPointIeee754<T> =>
        module.GetMethod("From", BindingFlags.Public | BindingFlags.Static, [typeof(LayerDescription)]) is { } from
            ? from.CreateDelegate<Func<LayerDescription, Module<T>>>()
            : _ => (Module<T>)Activator.CreateInstance(module)!;
}
