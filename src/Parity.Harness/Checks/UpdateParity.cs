using Parity.Harness.Comparison;
using Parity.Harness.Training;
using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>
/// One optimizer step as both engines took it: TorchSharp's parameters before, the raw gradients the
/// engine stepped with (TorchSharp's optimizer too, when it takes them: <see cref="UpdateGradients"/>), each engine's parameters after, and
/// their optimizer states compared by name where both backends expose them (<see cref="IOptimizerState"/>),
/// with TorchSharp's state after the step (<see cref="TwinState"/>, empty when either keeps its state to itself);
/// the buffers the step's training forward moved (batch norm's running statistics) are compared apart,
/// as the optimizer never touches them.
/// </summary>
public sealed record UpdateStep(
    int Step,
    IReadOnlyList<HostTensor> Before,
    IReadOnlyList<HostTensor> EngineGradients,
    IReadOnlyList<HostTensor> EngineAfter,
    IReadOnlyList<HostTensor> TwinAfter,
    IReadOnlyList<TensorDifference> Differences,
    IReadOnlyList<TensorDifference> StateDifferences,
    IReadOnlyList<TensorDifference> BufferDifferences,
    IReadOnlyList<HostTensor> TwinState)
{
    public bool Passed => Differences.All(d => d.Passed) && StateDifferences.All(d => d.Passed) && BufferDifferences.All(d => d.Passed);
}

/// <summary>
/// Which gradients the reference's optimizer stepped on: the engine's (<see cref="EngineGradients"/>, the reference
/// taking them through <see cref="IGradientInjection"/>), so that only the optimizers can part; or each backend its
/// own (<see cref="OwnGradients"/>, a reference that cannot take them), where the rounding of the gradients enters too.
/// </summary>
public enum UpdateGradients { EngineGradients, OwnGradients }

/// <summary>
/// The optimizer checked step by step, every step taken even after the parameters part, on the gradients
/// <see cref="Gradients"/> says; <see cref="Forced"/>, the
/// same steps teacher-forced (each from TorchSharp's parameters and optimizer state, so each step's difference is
/// its own), when both backends expose and accept their state, else empty.
/// </summary>
public sealed record UpdateParityResult(IReadOnlyList<UpdateStep> Steps, UpdateGradients Gradients, IReadOnlyList<ForcedStep>? Forced = null)
{
    public bool Passed => Steps.All(s => s.Passed);

    public UpdateStep? FirstFailure => Steps.FirstOrDefault(s => !s.Passed);
}

/// <summary>
/// From the same parameters, both engines take <see cref="StepCount"/> steps (gradients, clipping,
/// update) on successive batches, ending an epoch after each step so that a schedule acts within
/// the check; parameters are compared after every step. The reference's optimizer steps on the engine's
/// gradients where it can take them (<see cref="IGradientInjection"/>): gradient parity judges the gradients,
/// this check the optimizer alone, whose rounding is then all that may part the two — a scale-free
/// optimizer would otherwise turn the rounding of a gradient that is zero by construction (the bias of a
/// linear layer before batch norm) into a full step of either sign. The steps go on after the parameters part:
/// one step rarely tells optimizer mistakes apart (without momentum, without Nesterov and the velocity
/// form all agree on the first), the engine's path over all of them does.
/// </summary>
public static class UpdateParity
{
    public const int StepCount = 4;

    public static UpdateParityResult Run(ParitySpec spec, IBackend engine, IBackend twin, IReadOnlyList<Batch> batches)
    {
        var tolerance = Tolerances.Gradient(spec);
        var steps = new List<UpdateStep>();
        for (var step = 1; step <= StepCount; step++)
        {
            var batch = batches[(step - 1) % batches.Count];
            var before = twin.GetParameters();
            var gradients = engine.ComputeGradients(batch).Parameters;
            // The reference's own gradients too: its training forward moves its buffers as the engine's did.
            twin.ComputeGradients(batch);
            (twin as IGradientInjection)?.SetGradients(gradients);
            engine.Step();
            twin.Step();
            var trained = gradients.Select(g => g.Name).ToHashSet();
            var (engineAfter, twinAfter) = (engine.GetParameters(), twin.GetParameters());
            IReadOnlyList<HostTensor> Trained(IReadOnlyList<HostTensor> state) => [.. state.Where(t => trained.Contains(t.Name))];
            List<TensorDifference> Compare(bool buffers) => [.. engineAfter.Zip(twinAfter).Where(pair => trained.Contains(pair.First.Name) != buffers)
                .Select(pair => TensorComparison.Compare(pair.First, pair.Second, tolerance, spec.DType))];
            steps.Add(new UpdateStep(step, Trained(before), gradients, Trained(engineAfter), Trained(twinAfter), Compare(buffers: false),
                CompareStates(spec, engine, twin, tolerance), Compare(buffers: true),
                engine is IOptimizerState && twin is IOptimizerState twinState ? twinState.GetOptimizerState() : []));
            engine.EndEpoch();
            twin.EndEpoch();
        }
        return new UpdateParityResult(steps, twin is IGradientInjection ? UpdateGradients.EngineGradients : UpdateGradients.OwnGradients);
    }

    /// <summary>
    /// The steps of <see cref="Run"/> from fresh backends, the engine set to TorchSharp's parameters and optimizer state
    /// before each: which part of the update (a state buffer, or the step applied to the parameters) is wrong at
    /// which step, without the drift of the steps before. Empty when either backend keeps its state to itself.
    /// </summary>
    public static IReadOnlyList<ForcedStep> Forced(ParitySpec spec, IBackend engine, IBackend twin, IReadOnlyList<Batch> batches)
    {
        if (engine is not IOptimizerState engineState || twin is not IOptimizerState twinState)
            return [];
        var tolerance = Tolerances.Gradient(spec);
        var steps = new List<ForcedStep>();
        try
        {
            TeacherForcing.Force(engine, engineState, twin, twinState);
        }
        catch (NotSupportedException)
        {
            // An engine in another process that declines set_optimizer_state: the free-running steps are all there is.
            return [];
        }
        for (var step = 1; step <= StepCount; step++)
        {
            var batch = batches[(step - 1) % batches.Count];
            var gradients = engine.ComputeGradients(batch).Parameters;
            twin.ComputeGradients(batch);
            // On the same gradients as the free-running steps, so that a part named here is one of those.
            (twin as IGradientInjection)?.SetGradients(gradients);
            engine.Step();
            twin.Step();
            var parameters = engine.GetParameters().Zip(twin.GetParameters(), (a, b) => TensorComparison.Compare(a, b, tolerance, spec.DType)).ToList();
            // Every step of the check ends an epoch, so a step's number is its epoch too.
            steps.Add(new ForcedStep(step, step, parameters, CompareStates(spec, engine, twin, tolerance)));
            // Forced before the epoch ends, as in TeacherForcing: the engine's schedule steps from TorchSharp's lr.
            TeacherForcing.Force(engine, engineState, twin, twinState);
            engine.EndEpoch();
            twin.EndEpoch();
        }
        return steps;
    }

    /// <summary>The entries of the optimizer state both backends name, compared; none when either keeps its state to itself.</summary>
    internal static IReadOnlyList<TensorDifference> CompareStates(ParitySpec spec, IBackend engine, IBackend twin, Tolerance tolerance)
    {
        if (engine is not IOptimizerState engineState || twin is not IOptimizerState twinState)
            return [];
        var twinByName = twinState.GetOptimizerState().ToDictionary(t => t.Name);
        return [.. engineState.GetOptimizerState().Where(e => twinByName.ContainsKey(e.Name))
            .Select(e => TensorComparison.Compare(e, twinByName[e.Name], tolerance, spec.DType))];
    }
}
