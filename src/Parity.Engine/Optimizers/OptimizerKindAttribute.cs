namespace Parity.Engine.Optimizers;

/// <summary>
/// Registers an optimizer class under a model description's optimizer kind, as <see cref="Modules.LayerKindAttribute"/>
/// does a layer: the engine's optimizer table is built from these, so a new optimizer is its class file alone. The
/// class is made with its public constructor taking the parameters and the description's <see cref="Described"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class OptimizerKindAttribute(string kind) : Attribute
{
    public string Kind { get; } = kind;
}
