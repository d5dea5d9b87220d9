namespace Parity.Engine.Modules;

/// <summary>
/// Registers a module class under a model description's layer kind: the engine's layer table is built
/// from these, so a new op is its module file alone; a class may serve several kinds that compute the
/// same (flatten and unflatten, both free on the engine's rows). The class is made with its public static
/// <c>From(LayerDescription)</c> when it reads options, else with its parameterless constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LayerKindAttribute(string kind) : Attribute
{
    public string Kind { get; } = kind;
}
