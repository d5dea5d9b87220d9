using Parity.Conformance.Checks;

namespace Parity.Conformance;

/// <summary>
/// The engine contract as checks any backend can be run through: an engine author's own tests call
/// <see cref="Verify"/> with their backend's factory for each case (<see cref="ConformanceCases.Standard"/>,
/// or <see cref="ConformanceCase.Generate"/> on their own models). The checks use the contract alone
/// and hold the backend to itself and to PyTorch's documented SGD, not to another engine.
/// </summary>
public static class ConformanceKit
{
    public static IReadOnlyList<ConformanceCheck> Checks { get; } =
    [
        StateDict.Check,
        ParameterRoundTrip.Check,
        LayerForward.Check,
        GradientsWithoutUpdate.Check,
        StepFollowsSgd.Check,
        TrainStepIsGradientsThenStep.Check,
        EvaluateHasNoSideEffects.Check,
        EndEpochAdvancesSchedule.Check,
        LayerProbe.Check,
        ForwardInto.Check,
        ParametersInto.Check,
        TrainingLoss.Check,
    ];

    /// <summary>Every check on the case, each on backends of its own; what they found (empty when the backend conforms). A check the backend throws in reports the exception.</summary>
    public static IReadOnlyList<ConformanceFinding> Run(BackendFactory create, ConformanceCase @case)
    {
        var findings = new List<ConformanceFinding>();
        foreach (var check in Checks)
        {
            IReadOnlyList<string> problems;
            try
            {
                problems = check.Run(create, @case);
            }
            catch (Exception e)
            {
                problems = [$"{e.GetType().Name}: {e.Message}"];
            }
            findings.AddRange(problems.Select(problem => new ConformanceFinding(check.Name, @case.Name, problem)));
        }
        return findings;
    }

    /// <summary>Every check on the case; throws a <see cref="ConformanceException"/> listing every finding unless the backend conforms.</summary>
    public static void Verify(BackendFactory create, ConformanceCase @case)
    {
        var findings = Run(create, @case);
        if (findings.Count > 0)
            throw new ConformanceException(findings);
    }
}
