using Parity.Harness.Comparison;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Training;

/// <summary>
/// One teacher-forced step: the engine's parameters and optimizer state after it, each compared with the reference's; and,
/// where the reference stepped on the engine's gradients, those gradients compared with the reference's own (null where it did not).
/// </summary>
public sealed record ForcedStep(int Step, int Epoch, IReadOnlyList<TensorDifference> Parameters, IReadOnlyList<TensorDifference> State, IReadOnlyList<TensorDifference>? Gradients = null)
{
    public bool Passed => Parameters.All(d => d.Passed) && State.All(d => d.Passed) && Gradients?.All(d => d.Passed) != false;

    public TensorDifference? FirstGradient => Gradients?.FirstOrDefault(d => !d.Passed);

    public TensorDifference? FirstParameter => Parameters.FirstOrDefault(d => !d.Passed);

    public TensorDifference? FirstState => State.FirstOrDefault(d => !d.Passed);
}

/// <summary>
/// A teacher-forced run. <see cref="First"/> is the first step whose own update differs, in the parameters or
/// in any optimizer state entry; <see cref="FirstInParameters"/> the first whose parameters do, which can
/// come later: a buffer that is wrong but not yet used (momentum kept as a velocity, weight decay left out
/// of the buffer) parts at once, the parameters when the buffer is next read.
/// </summary>
public sealed record TeacherForcingResult(IReadOnlyList<ForcedStep> Steps)
{
    public bool Passed => Steps.All(s => s.Passed);

    public ForcedStep? First => Steps.FirstOrDefault(s => !s.Passed);

    public ForcedStep? FirstInParameters => Steps.FirstOrDefault(s => s.FirstParameter is not null);

    /// <summary>The worst element error of any step, parameters or state.</summary>
    public double MaxAbsErr => Steps.SelectMany(s => s.Parameters.Concat(s.State)).Select(d => d.MaxAbsErr).DefaultIfEmpty(0).Max();

    /// <summary>One sentence: the step, the parameter and the state entry that part first, and by how much.</summary>
    public string Verdict
    {
        get
        {
            if (First is not { } first)
                return $"every step's own update agrees with the reference's ({Steps.Count} steps, parameters and optimizer state)";
            if (first.FirstGradient is { } gradient)
                return $"step {first.Step} (epoch {first.Epoch}) is the first whose gradients differ, from the reference's parameters: {Part("gradient", gradient)}; "
                    + (first.FirstParameter is null && first.FirstState is null
                        ? "the reference's optimizer, stepped on the engine's gradients, agrees with the engine's update: the gradient is wrong, not the optimizer"
                        : "the engine's update differs even from the reference's optimizer stepped on those gradients: look at the gradient first");
            var parts = new List<string>();
            if (first.FirstParameter is { } parameter)
                parts.Add(Part("parameter", parameter));
            if (first.FirstState is { } state)
                parts.Add(Part("optimizer state", state));
            var later = first.FirstParameter is null && FirstInParameters is { } p
                ? $"; the parameters part from step {p.Step} (epoch {p.Epoch}), at {p.FirstParameter!.Name}, where that state is next used"
                : first.FirstParameter is null ? "; the parameters never part within the run" : "";
            return $"step {first.Step} (epoch {first.Epoch}) is the first whose own update differs, from the reference's parameters and state: {string.Join(" and ", parts)}{later}";
        }
    }

    static string Part(string kind, TensorDifference d) =>
        $"{kind} {d.Name} (max abs err {G(d.MaxAbsErr)}, max rel err {G(d.MaxRelErr)} at {d.WorstIndex}: engine {G(d.Value)} vs reference {G(d.Reference)})";

    static string G(double value) => value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Teacher-forced training: the engine under test and the reference take the spec's steps on the same
/// batches, and before each step the engine is set to the reference's parameters and optimizer state,
/// so that every step's update error is its own, with no drift inherited from the steps before. The
/// learning rate is part of the state: it is forced after each step, before the epoch's end steps the
/// schedules, so a schedule's own mistake shows at the first step of the epoch it acts in. Where the reference takes
/// them (<see cref="IGradientInjection"/>), its optimizer steps on the engine's gradients, which are compared with its
/// own first: a step whose gradient is wrong is named as such, not blamed on the optimizer state it then feeds.
/// </summary>
public sealed class TeacherForcing(ParitySpec spec, Dataset data)
{
    readonly Trainer _trainer = new(spec, data);

    public int TotalSteps => _trainer.TotalSteps;

    /// <summary>The message when the engine under test cannot be given the reference's state.</summary>
    public static string NeedsState(string engine) =>
        $"teacher forcing sets the engine under test to the reference's optimizer state before every step; {engine} does not implement IOptimizerState "
        + "(GetOptimizerState and SetOptimizerState; over the line protocol, the get_optimizer_state and set_optimizer_state requests)";

    public TeacherForcingResult Train(IBackend engine, IBackend twin, Action? tick = null)
    {
        if (engine is not IOptimizerState engineState)
            throw new InvalidOperationException(NeedsState(engine.Name));
        if (twin is not IOptimizerState twinState)
            throw new InvalidOperationException(NeedsState(twin.Name));
        var tolerance = Tolerances.Gradient(spec);
        var steps = new List<ForcedStep>();
        IReadOnlyList<TensorDifference>? gradients = null;
        Force(engine, engineState, twin, twinState);
        _trainer.Train([engine, twin], (step, epoch, _, _) =>
        {
            var parameters = engine.GetParameters().Zip(twin.GetParameters(), (e, t) => TensorComparison.Compare(e, t, tolerance, spec.DType)).ToList();
            // Only the entries both name: an engine may keep fewer (no step count), never different ones under the same name.
            steps.Add(new ForcedStep(step, epoch, parameters, Checks.UpdateParity.CompareStates(spec, engine, twin, tolerance), gradients));
            Force(engine, engineState, twin, twinState);
            tick?.Invoke();
        }, twin is IGradientInjection injection ? batch =>
        {
            var (e, t) = (engine.ComputeGradients(batch), twin.ComputeGradients(batch));
            gradients = CompareGradients(e.Parameters, t.Parameters, tolerance);
            injection.SetGradients(e.Parameters);
            engine.Step();
            twin.Step();
            return [e.Loss, t.Loss];
        } : null);
        return new TeacherForcingResult(steps);
    }

    /// <summary>
    /// The engine's parameter gradients against the reference's, each judged against its layer's largest (the check's scale
    /// without a layer probe): a gradient zero by construction, the bias before a batch norm, is rounding noise of that scale.
    /// </summary>
    IReadOnlyList<TensorDifference> CompareGradients(IReadOnlyList<HostTensor> engine, IReadOnlyList<HostTensor> twin, Tolerance tolerance)
    {
        var layerScale = twin.GroupBy(g => Diagnosis.Wording.LayerIndex(spec, g.Name))
            .ToDictionary(layer => layer.Key, layer => TensorComparison.LargestFinite(layer.SelectMany(g => g.Data)));
        return [.. engine.Zip(twin, (e, t) => TensorComparison.Compare(e, t, tolerance, spec.DType, layerScale[Diagnosis.Wording.LayerIndex(spec, t.Name)]))];
    }

    /// <summary>Sets the engine to the reference's parameters and optimizer state (its lr included).</summary>
    public static void Force(IBackend engine, IOptimizerState engineState, IBackend twin, IOptimizerState twinState)
    {
        engine.SetParameters(twin.GetParameters());
        engineState.SetOptimizerState(twinState.GetOptimizerState());
    }
}
