namespace Parity.Spec;

public enum GridSelection { ValidationAccuracy, ValidationLoss }

/// <summary>
/// A study over optimizer settings: the spec is trained once per entry of <see cref="Optimizers"/>
/// (each a full SGD setting; keys an entry leaves out come from the spec's optimizer), and the best
/// is picked on the validation split after the last epoch.
/// </summary>
public sealed record GridSpec(GridSelection Select, IReadOnlyList<OptimizerSpec> Optimizers);
