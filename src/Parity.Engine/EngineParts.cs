using System.Numerics;
using Parity.Engine.Losses;
using Parity.Engine.Modules;
using Parity.Engine.Optimizers;
using Parity.Spec;

namespace Parity.Engine;

/// <summary>
/// What an engine is assembled from, one factory per kind of part. <see cref="Standard"/> is the
/// engine; a variant with one part swapped is how a user's alternative (or a deliberately broken
/// one, in the tests) is checked against libtorch through the same backend.
/// </summary>
public sealed record EngineParts<T>(
    Func<LayerSpec, Module<T>> Layer,
    Func<LossSpec, Loss<T>> Loss,
    Func<IReadOnlyList<Parameter<T>>, SgdSpec, IOptimizer> Optimizer,
    Action<ClipSpec, IReadOnlyList<Parameter<T>>> Clip,
    Func<ScheduleSpec, ILearningRateSchedule> Schedule)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static EngineParts<T> Standard { get; } = new(
        ModelBuilder.Layer<T>,
        ModelBuilder.Loss<T>,
        (parameters, options) => new Sgd<T>(parameters, options),
        GradientClipping.Apply,
        schedule => new LearningRateSchedule(schedule));
}
