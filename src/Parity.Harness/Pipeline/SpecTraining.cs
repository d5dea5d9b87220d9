using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Pipeline;

/// <summary>
/// A spec's training stage, every way <c>parity train</c> takes it: the engine under test and the reference in
/// lockstep (once, or once per setting of the spec's grid), over K seeds, teacher-forced, or one side alone;
/// each run judged (<see cref="TrainingVerdicts"/>) and handed to the progress.
/// </summary>
public static class SpecTraining
{
    /// <summary>The engine under test and the reference in lockstep — once, or once per setting of the spec's grid.</summary>
    public static TrainingOutcome Both(ParitySpec spec, Dataset data, BackendPair backends, IEvaluationProgress progress) =>
        Reported(spec.Grid is not null ? Grid(spec, data, backends, progress) : TrainingVerdicts.Lockstep(spec, Lockstep(spec, data, backends, progress)), data, progress);

    /// <summary>The teacher-forced run, then the lockstep run on fresh backends from the same initial parameters; the spec fails if either does.</summary>
    public static TrainingOutcome Forced(ParitySpec spec, Dataset data, BackendPair backends, IEvaluationProgress progress)
    {
        // Forced first: an engine that cannot be forced is told so before a whole lockstep run.
        var forcing = TeacherForced(spec, data, backends, progress, required: true)!;
        return Reported(TrainingVerdicts.WithTeacherForcing(TrainingVerdicts.Lockstep(spec, Lockstep(spec, data, backends, progress)), forcing), data, progress);
    }

    /// <summary>
    /// The teacher-forced run. An engine without IOptimizerState, or one that cannot set its state (an exec
    /// engine that declines set_optimizer_state), cannot be forced: an input error when the user asked for forcing
    /// (<paramref name="required"/>), else null.
    /// </summary>
    public static TeacherForcingResult? TeacherForced(ParitySpec spec, Dataset data, BackendPair backends, IEvaluationProgress progress, bool required)
    {
        var forcing = new TeacherForcing(spec, data);
        var initial = backends.InitialParameters(spec);
        var model = ModelDescriptions.Describe(spec);
        using var tested = backends.Engine(model, initial);
        if (tested is not IOptimizerState)
            return required ? throw new InputException(TeacherForcing.NeedsState(backends.EngineName)) : null;
        using var twin = backends.Reference(model, initial);
        TeacherForcingResult result;
        try
        {
            result = progress.Steps($"{spec.Name} (teacher forcing)", forcing.TotalSteps, tick => forcing.Train(tested, twin, tick));
        }
        catch (NotSupportedException refused)
        {
            return required ? throw new InputException(refused.Message) : null;
        }
        progress.Forced(spec, result);
        return result;
    }

    /// <summary>K lockstep runs on the spec's data, seeds spec.Seed, spec.Seed + 1, … for init and batch order; their final test figures tested for equivalence within <paramref name="margin"/>.</summary>
    public static TrainingOutcome Seeds(ParitySpec spec, Dataset data, BackendPair backends, int count, double margin, IEvaluationProgress progress)
    {
        var variants = Enumerable.Range(0, count).Select(i => spec with { Seed = spec.Seed + i }).ToList();
        var results = progress.Steps($"{spec.Name} ({count} seeds, lockstep)", new LockstepTrainer(spec, data).TotalSteps * count, tick =>
            variants.Select(variant =>
            {
                var initial = backends.InitialParameters(variant);
                var model = ModelDescriptions.Describe(variant);
                using var tested = backends.Engine(model, initial);
                using var twin = backends.Reference(model, initial);
                return new LockstepTrainer(variant, data, backends.AtOnce).Train(tested, twin, tick);
            }).ToList());
        return Reported(TrainingVerdicts.Seeds(spec, variants, results, margin), data, progress);
    }

    /// <summary>One side trained by itself, named <paramref name="name"/> in the figures.</summary>
    public static TrainingOutcome Alone(ParitySpec spec, Dataset data, string name, BackendFactory create, Func<ParitySpec, IReadOnlyList<HostTensor>> initialParameters, IEvaluationProgress progress)
    {
        var trainer = new Trainer(spec, data);
        using var backend = create(ModelDescriptions.Describe(spec), initialParameters(spec));
        var watch = new NonFiniteWatch(spec);
        var epochs = progress.Steps($"{spec.Name} ({Sides.Word(name)})", trainer.TotalSteps, tick => trainer.Train([backend], (step, epoch, losses, _) =>
        {
            // The parameters are copied out only until the first NaN/Inf: that step is all the watch reports.
            if (watch.First is null)
                watch.Observe(step, epoch, [name], losses, [backend.GetParameters()]);
            tick();
        })[0]);
        return Reported(TrainingVerdicts.Alone(spec, name, epochs, watch.First), data, progress);
    }

    static LockstepResult Lockstep(ParitySpec spec, Dataset data, BackendPair backends, IEvaluationProgress progress)
    {
        var trainer = new LockstepTrainer(spec, data, backends.AtOnce);
        var initial = backends.InitialParameters(spec);
        var model = ModelDescriptions.Describe(spec);
        using var tested = backends.Engine(model, initial);
        using var twin = backends.Reference(model, initial);
        return progress.Steps($"{spec.Name} (lockstep)", trainer.TotalSteps, tick => trainer.Train(tested, twin, tick));
    }

    static TrainingOutcome Grid(ParitySpec spec, Dataset data, BackendPair backends, IEvaluationProgress progress)
    {
        var study = new GridStudy(spec, data, backends.AtOnce);
        var initial = backends.InitialParameters(spec);
        var result = progress.Steps($"{spec.Name} (grid of {spec.Grid!.Optimizers.Count}, lockstep)", study.TotalSteps,
            tick => study.Run(backends.Engine, backends.Reference, initial, tick));
        return TrainingVerdicts.Grid(spec, result);
    }

    static TrainingOutcome Reported(TrainingOutcome outcome, Dataset data, IEvaluationProgress progress)
    {
        progress.Trained(outcome, data);
        return outcome;
    }
}
