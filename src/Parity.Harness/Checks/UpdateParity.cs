using Parity.Harness.Comparison;
using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>One optimizer step as both engines took it: the parameters before, the raw gradients, and the parameters after.</summary>
public sealed record UpdateStep(
    int Step,
    double Lr,
    IReadOnlyList<HostTensor> Before,
    IReadOnlyList<HostTensor> Gradients,
    IReadOnlyList<HostTensor> EngineAfter,
    IReadOnlyList<HostTensor> TwinAfter,
    IReadOnlyList<TensorDifference> Differences)
{
    public bool Passed => Differences.All(d => d.Passed);
}

/// <summary>The optimizer checked step by step; stops at the first step whose parameters part.</summary>
public sealed record UpdateParityResult(IReadOnlyList<UpdateStep> Steps)
{
    public bool Passed => Steps.All(s => s.Passed);

    public UpdateStep? FirstFailure => Steps.FirstOrDefault(s => !s.Passed);
}

/// <summary>
/// From the same parameters, both engines take <see cref="StepCount"/> steps (gradients, clipping,
/// update) on successive batches, ending an epoch after each step so that a schedule acts within
/// the check; parameters are compared after every step.
/// </summary>
public static class UpdateParity
{
    public const int StepCount = 4;

    public static UpdateParityResult Run(ParitySpec spec, IBackend engine, IBackend twin, IReadOnlyList<Batch> batches)
    {
        var tolerance = Tolerances.Gradient(spec);
        var steps = new List<UpdateStep>();
        var lr = spec.Optimizer.Lr;
        for (var step = 1; step <= StepCount; step++)
        {
            var batch = batches[(step - 1) % batches.Count];
            var before = twin.GetParameters();
            engine.ComputeGradients(batch);
            var gradients = twin.ComputeGradients(batch).Parameters;
            engine.Step();
            twin.Step();
            var engineAfter = engine.GetParameters();
            var twinAfter = twin.GetParameters();
            var differences = engineAfter.Zip(twinAfter, (a, b) => TensorComparison.Compare(a, b, tolerance, spec.DType)).ToList();
            steps.Add(new UpdateStep(step, lr, before, gradients, engineAfter, twinAfter, differences));
            if (differences.Any(d => !d.Passed))
                break;
            engine.EndEpoch();
            twin.EndEpoch();
            lr = NextLr(spec, step, lr);
        }
        return new UpdateParityResult(steps);
    }

    /// <summary>The learning rate PyTorch's scheduler sets after <paramref name="epochs"/> epochs (used to explain an update, not to make one).</summary>
    public static double NextLr(ParitySpec spec, int epochs, double lr) => spec.Schedule switch
    {
        { Kind: ScheduleKind.Exponential } s => lr * s.Gamma,
        { Kind: ScheduleKind.Step } s when epochs % s.StepSize == 0 => lr * s.Gamma,
        _ => lr,
    };
}
