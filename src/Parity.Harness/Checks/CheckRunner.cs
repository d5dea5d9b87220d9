using Parity.Harness.Comparison;
using Parity.Harness.Concurrency;
using Parity.Harness.Diagnosis;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Checks;

/// <summary>Everything <c>parity check</c> found for one spec; <see cref="Batches"/>, the mini-batches of the update check (the first is <see cref="Batch"/>).</summary>
public sealed record CheckResult(
    ParitySpec Spec,
    Batch Batch,
    IReadOnlyList<HostTensor> InitialParameters,
    GradientParityResult Gradients,
    LayerResyncResult Resync,
    UpdateParityResult Updates,
    GradcheckResult EngineGradcheck,
    GradcheckResult TwinGradcheck,
    IReadOnlyList<string> Diagnosis,
    IReadOnlyList<Batch> Batches)
{
    public bool Passed => Gradients.Passed && Updates.Passed && (EngineGradcheck.Passed && TwinGradcheck.Passed || ControlSharesFailures);

    /// <summary>Finite differences fail where the method does, not the engine (<see cref="SharedFailures.Of"/>): the gradcheck is inconclusive, and gradient parity judges the engine.</summary>
    public bool ControlSharesFailures => SharedFailures.Of(Spec, EngineGradcheck, TwinGradcheck);
}

/// <summary>
/// Finite differences fail where the method does, not the engine: TorchSharp's control fails at the same points, each with the
/// same numerical derivative (a loss not smooth within eps), or both sides fail only where the numerical derivative is within
/// the loss's own rounding of the analytical one, at whichever points rounding picks — a few rounding units of the loss over
/// 2·eps (<see cref="GradcheckFailure.Resolution"/>), as
/// where a large summed loss's rounding, over eps, outweighs a gradient that is zero by construction (sweep seed 300158: a conv
/// bias before batch norm, analytical ~1e-10, numerical ±1 rounding unit of a loss near 10⁶, 4.7e-4 to 9.3e-4, at 1.bias[1] and
/// 4.bias[2] in the engine, 1.bias[1] and 1.bias[0] in the reference). The engine's
/// nondeterminism and linearity still count. Then the check is inconclusive, not a failure of the engine.
/// </summary>
public static class SharedFailures
{
    /// <summary>Rounding units of the loss the numerical derivative may be off by: the loss is a sum, which rounds by a few units.</summary>
    public const double RoundingUnits = 8;

    public static bool Of(ParitySpec spec, GradcheckResult engine, GradcheckResult twin)
    {
        var tolerance = Tolerances.Gradcheck(spec);
        if (engine.Passed || twin.Passed || engine.Nondeterminism != 0 || engine.Linearity?.Passed == false || engine.Failures.Count == 0)
            return false;
        // Rounding noise lands where it will: both sides' failures all within the loss's rounding need not be at the same points.
        if (engine.Failures.All(WithinRounding) && twin.Failures.All(WithinRounding))
            return true;
        return engine.Failures.Count == twin.Failures.Count
            && engine.Failures.Zip(twin.Failures).All(pair => pair.First.Where == pair.Second.Where
                && Math.Abs(pair.First.Numerical - pair.Second.Numerical) <= tolerance.Atol + tolerance.Rtol * Math.Abs(pair.Second.Numerical));
    }

    /// <summary>The numerical derivative is off the analytical one by no more than the loss's rounding can make it.</summary>
    public static bool WithinRounding(GradcheckFailure failure) =>
        Math.Abs(failure.Numerical - failure.Analytical) <= RoundingUnits * failure.Resolution;
}

/// <summary>
/// Runs the checks of one spec on the first mini-batch of epoch 1: gradient parity, each layer
/// re-synced to TorchSharp's input and upstream gradient, the optimizer
/// over a few steps, and finite differences on each engine (in float64, whatever the spec's dtype),
/// each from fresh backends built from the same initial parameters; then the diagnosis. <paramref name="atOnce"/>, the
/// two sides take each finite difference at the same time (<see cref="AtOnceCalls"/>), as lockstep training takes its steps.
/// </summary>
/// <remarks>
/// <paramref name="afterPart"/>, when given, runs after each part, once its backends are disposed of: a
/// part's copies of a large model's layer outputs and gradients are hundreds of MB of garbage, which a
/// caller with a memory ceiling (the suite) may want handed back before the next part makes more.
/// </remarks>
public sealed class CheckRunner(BackendFactory engine, BackendFactory twin, Action? afterPart = null, bool atOnce = false)
{
    public CheckResult Run(ParitySpec spec, Dataset data, IReadOnlyList<HostTensor> initial)
    {
        var batches = FirstBatches(spec, data);
        var model = ModelDescriptions.Describe(spec);
        GradientParityResult gradients;
        using (var e = engine(model, initial))
        using (var t = twin(model, initial))
            gradients = GradientParity.Run(spec, e, t, batches[0]);
        afterPart?.Invoke();
        LayerResyncResult resync;
        using (var e = engine(model, initial))
        using (var t = twin(model, initial))
            resync = LayerResync.Run(spec, e, t, batches[0], gradients);
        afterPart?.Invoke();
        // Below a kink that rounding alone made the engines cross, only layers fed TorchSharp's input compare: re-sync's.
        if (!gradients.Passed && gradients.Crossing is not null && resync.Available && resync.Blamed.Count == 0)
            gradients = gradients.JudgedByResync(spec);

        UpdateParityResult updates;
        using (var e = engine(model, initial))
        using (var t = twin(model, initial))
            updates = UpdateParity.Run(spec, e, t, batches);
        // Only a failing update needs its parts told apart.
        if (!updates.Passed)
            using (var e = engine(model, initial))
            using (var t = twin(model, initial))
                updates = updates with { Forced = UpdateParity.Forced(spec, e, t, batches) };
        afterPart?.Invoke();

        // A float32 model's parameters and data are exact in float64, where differences resolve.
        var float64 = spec with { DType = DType.Float64 };
        var model64 = ModelDescriptions.Describe(float64);
        GradcheckResult[] gradchecks;
        using (var e = engine(model64, initial))
        using (var t = twin(model64, initial))
        using (var together = atOnce ? new AtOnceCalls() : null)
            gradchecks = FiniteDifferenceCheck.Run(float64, [e, t], batches[0], together);
        var (engineCheck, twinCheck) = (gradchecks[0], gradchecks[1]);

        var diagnosis = GradientDiagnosis.Explain(spec, batches[0], gradients, resync, updates, engineCheck, twinCheck);
        return new CheckResult(spec, batches[0], initial, gradients, resync, updates, engineCheck, twinCheck, diagnosis, batches);
    }

    /// <summary>The mini-batches that open epoch 1, as training would see them.</summary>
    static IReadOnlyList<Batch> FirstBatches(ParitySpec spec, Dataset data)
    {
        var order = BatchOrder.ForEpoch(spec, 1, data.Train.Rows);
        var batches = new List<Batch>();
        for (var start = 0; start < order.Length && batches.Count < UpdateParity.StepCount; start += spec.Train.Batch)
            batches.Add(Batches.ForStep(spec, data.Train, order.AsSpan(start, Math.Min(spec.Train.Batch, order.Length - start)), 1, start));
        return batches;
    }
}
