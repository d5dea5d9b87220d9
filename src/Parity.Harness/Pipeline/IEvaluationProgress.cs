using Parity.Harness.Benchmarks;
using Parity.Harness.Checks;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Pipeline;

/// <summary>
/// Where an evaluation tells its host what it is doing: each stage's result as soon as it is made, a counter
/// over a long stage's steps, and the points between stages. The host draws them (a console, a log) or not at all.
/// </summary>
public interface IEvaluationProgress
{
    /// <summary>Runs <paramref name="work"/>, which calls the action it is given once per step, <paramref name="total"/> steps in all.</summary>
    T Steps<T>(string label, int total, Func<Action, T> work);

    /// <summary>A point between stages: the previous stage's garbage may be handed back, and the run stopped.</summary>
    void BetweenStages();

    void Checked(CheckResult check);

    void Trained(TrainingOutcome training, Dataset data);

    void Forced(ParitySpec spec, TeacherForcingResult forcing);

    void Shrinking(ParitySpec spec);

    void Benched(BenchmarkResult bench, IReadOnlyList<TargetResult> targets);
}
