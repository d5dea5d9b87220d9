using System.Numerics;
using Parity.Engine.Losses;
using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.Engine;

/// <summary>
/// What an engine is assembled from: for each part of a model description — layers, residual blocks, loss,
/// optimizer, gradient clipping, learning-rate schedule — a table from the description's kind to a factory.
/// <see cref="Standard"/> is the engine: its layers are the module classes marked with <see cref="LayerKindAttribute"/>, its optimizers the classes marked with <see cref="OptimizerKindAttribute"/>, the other parts registered here; a
/// variant with one factory swapped (<see cref="KindTable{TFactory}.With"/>) is how a user's
/// alternative, or a deliberately broken part in the tests, is checked against libtorch through the
/// same backend. Factories run when the backend is built, never during a step: clipping and schedules
/// are handed out ready to run, their options already read.
/// </summary>
public sealed record EngineParts<T>(
    KindTable<Func<LayerDescription, Module<T>>> Layers,
    KindTable<Func<Sequential<T>, Residual<T>>> Blocks,
    KindTable<Func<Described, Loss<T>>> Losses,
    KindTable<Func<IReadOnlyList<Parameter<T>>, Described, IOptimizer>> Optimizers,
    KindTable<Func<Described, Action<IReadOnlyList<Parameter<T>>>>> Clips,
    KindTable<Func<Described, ILearningRateSchedule>> Schedules)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static EngineParts<T> Standard { get; } = new(
        new("layer", LayerKinds.Discover<T>()),
        // A block wraps the layers before it in the flat list, already built: its factory takes them.
        new("block", new Dictionary<string, Func<Sequential<T>, Residual<T>>> { ["residual"] = layers => new Residual<T>(layers) }),
        new("loss", new Dictionary<string, Func<Described, Loss<T>>>
        {
            ["mse"] = loss => new MseLoss<T>(ReductionOption.Of(loss)),
            ["bce"] = loss => new BceLoss<T>(ReductionOption.Of(loss)),
            ["bce-with-logits"] = loss => new BceWithLogitsLoss<T>(ReductionOption.Of(loss)),
            ["cross-entropy"] = loss => new CrossEntropyLoss<T>(ReductionOption.Of(loss)),
            ["nll"] = loss => new NllLoss<T>(ReductionOption.Of(loss)),
            ["l1"] = loss => new L1Loss<T>(ReductionOption.Of(loss)),
            ["smooth-l1"] = SmoothL1Loss<T>.From,
            ["huber"] = HuberLoss<T>.From,
        }),
        new("optimizer", OptimizerKinds.Discover<T>()),
        new("gradient clipping", new Dictionary<string, Func<Described, Action<IReadOnlyList<Parameter<T>>>>>
        {
            ["norm"] = clip => ClipByNorm(clip.Number("max_norm")),
            ["value"] = clip => ClipByValue(clip.Number("clip_value")),
        }),
        new("learning-rate schedule", new Dictionary<string, Func<Described, ILearningRateSchedule>>
        {
            ["exponential"] = schedule => new ExponentialSchedule(schedule.Number("gamma")),
            ["step"] = schedule => new StepSchedule(schedule.Integer("step_size"), schedule.Number("gamma")),
            ["cosine"] = schedule => new CosineSchedule(schedule.Integer("T_max"), schedule.Number("eta_min")),
            ["linear"] = schedule => new LinearSchedule(schedule.Number("start_factor"), schedule.Number("end_factor"), schedule.Integer("total_iters")),
            ["sequential"] = Sequential,
        }));

    /// <summary>SequentialLR of a schedule and the one after it, each made by this table.</summary>
    static ILearningRateSchedule Sequential(Described sequential) => sequential.Parts("schedulers") is [var first, var then] && sequential.Integers("milestones") is [var milestone]
        ? new SequentialSchedule(Standard.Schedules[first.Kind](first), Standard.Schedules[then.Kind](then), milestone)
        : throw new ArgumentException("the built-in engine's sequential schedule takes two schedulers and one milestone");

    static Action<IReadOnlyList<Parameter<T>>> ClipByNorm(double maxNorm) => parameters => GradientClipping.ByNorm(parameters, maxNorm);

    static Action<IReadOnlyList<Parameter<T>>> ClipByValue(double limit) => parameters => GradientClipping.ByValue(parameters, limit);
}
