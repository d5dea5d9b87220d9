using System.Numerics;
using System.Reflection;
using Parity.Engine.Modules;

namespace Parity.Engine.Optimizers;

/// <summary>The engine's optimizer factories by kind, discovered from the <see cref="OptimizerKindAttribute"/>s of its optimizer classes.</summary>
public static class OptimizerKinds
{
    public static Dictionary<string, Func<IReadOnlyList<Parameter<T>>, Described, IOptimizer>> Discover<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(OptimizerKindAttribute).Assembly.GetTypes()
            .SelectMany(type => type.GetCustomAttributes<OptimizerKindAttribute>().Select(attribute => (Type: type, attribute.Kind)))
            .ToDictionary(found => found.Kind, found => Factory<T>(found.Type.MakeGenericType(typeof(T))));

    static Func<IReadOnlyList<Parameter<T>>, Described, IOptimizer> Factory<T>(Type optimizer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var constructor = optimizer.GetConstructor([typeof(IReadOnlyList<Parameter<T>>), typeof(Described)])
            ?? throw new InvalidOperationException($"{optimizer.Name} is registered as an optimizer but has no constructor (parameters, Described)");
        return (parameters, described) =>
        {
            try
            {
                return (IOptimizer)constructor.Invoke([parameters, described]);
            }
            catch (TargetInvocationException e) when (e.InnerException is { } inner)
            {
                // The constructor's own exception (an option missing from the description), not reflection's wrapper.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
                throw;
            }
        };
    }
}
