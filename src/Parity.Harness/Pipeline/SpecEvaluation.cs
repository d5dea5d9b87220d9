using Parity.Harness.Benchmarks;
using Parity.Harness.Checks;
using Parity.Harness.Shrinking;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Pipeline;

/// <summary>How far an evaluation goes: shrink a failing check within <see cref="Shrink"/> (null: not at all), and time the steps with <see cref="Bench"/>.</summary>
public sealed record EvaluationOptions(ShrinkBudget? Shrink, BenchmarkOptions Bench);

/// <summary>
/// Everything Parity finds on one spec, every verdict made: the check, the training (with its teacher-forced run
/// when either failed), the failing check shrunk to its smallest reproduction, and the benchmark with its targets.
/// </summary>
public sealed record SpecEvaluationResult(ParitySpec Spec, CheckResult Check, TrainingOutcome Training, ShrinkResult? Shrunk, BenchmarkResult Bench, IReadOnlyList<TargetResult> Targets)
{
    public bool BenchPassed => Targets.All(t => t.Passed);

    public bool Passed => Check.Passed && Training.Passed && BenchPassed;
}

/// <summary>
/// The pipeline of one spec: check → lockstep training → teacher forcing when either fails → shrink a failing check
/// → bench. Each stage's result goes to the progress as it is made; the host only renders.
/// </summary>
public static class SpecEvaluation
{
    public static SpecEvaluationResult Run(ParitySpec spec, Dataset data, BackendPair backends, EvaluationOptions options, IEvaluationProgress progress)
    {
        var check = Check(spec, data, backends, progress);
        progress.BetweenStages();
        var training = SpecTraining.Both(spec, data, backends, progress);
        // A failing run is also taken teacher-forced, which pins the optimizer's part to its step; a passing one needs no more.
        if ((!check.Passed || !training.Passed) && spec.Grid is null && SpecTraining.TeacherForced(spec, data, backends, progress, required: false) is { } forcing)
            training = TrainingVerdicts.WithTeacherForcing(training, forcing, check);
        progress.BetweenStages();
        var shrunk = options.Shrink is { } budget && !check.Passed ? Shrunk(spec, check, data, backends, budget, progress) : null;
        progress.BetweenStages();
        var (bench, targets) = Bench(spec, data, backends, options.Bench, progress);
        progress.BetweenStages();
        return new SpecEvaluationResult(spec, check, training, shrunk, bench, targets);
    }

    /// <summary>All of <c>parity check</c>'s checks on one spec, the engine under test against the reference.</summary>
    public static CheckResult Check(ParitySpec spec, Dataset data, BackendPair backends, IEvaluationProgress progress)
    {
        var result = new CheckRunner(backends.Engine, backends.Reference, progress.BetweenStages, backends.AtOnce).Run(spec, data, backends.InitialParameters(spec));
        progress.Checked(result);
        return result;
    }

    /// <summary>One spec's steps timed, and its targets judged.</summary>
    public static (BenchmarkResult Result, IReadOnlyList<TargetResult> Targets) Bench(ParitySpec spec, Dataset data, BackendPair backends, BenchmarkOptions options, IEvaluationProgress progress)
    {
        var result = new BenchmarkRunner(backends.Engine, backends.Reference, options).Run(spec, data, backends.InitialParameters(spec));
        var targets = BenchTargets.Check(result);
        progress.Benched(result, targets);
        return (result, targets);
    }

    /// <summary>The smallest spec that still fails the check the same way.</summary>
    static ShrinkResult Shrunk(ParitySpec spec, CheckResult failure, Dataset data, BackendPair backends, ShrinkBudget budget, IEvaluationProgress progress)
    {
        progress.Shrinking(spec);
        return new Shrinker(backends.Engine, backends.Reference, backends.InitialParameters).Run(spec.SourcePath, budget, (failure, data.Train.Rows));
    }
}
